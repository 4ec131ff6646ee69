using System.Text.Json;
using System.Text.Json.Serialization;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// What a statistics unit leaves for the merge units (its phase result, kept in the job's state): which intermediate
/// file of the job's staging holds the model's statistics and its SHA-256, so a merge unit on any silo reads exactly
/// those bytes; the dataset hash and sample count say what they were computed on.
/// </summary>
public sealed record StatisticsUnitResult(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("dataset_sha256")] string DatasetSha256,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    /// <summary>Whether the unit found the statistics in the cache beside the output (<see cref="StatisticsCache"/>) instead of computing them.</summary>
    [JsonPropertyName("cached")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Cached { get; init; }

    /// <summary>On a unit of a sequential phase: the layer whose statistics <see cref="File"/> holds.</summary>
    [JsonPropertyName("layer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Layer { get; init; }

    /// <summary>On a unit of a language model's statistics: the decoder block whose Gram matrices <see cref="File"/> holds.</summary>
    [JsonPropertyName("block")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Block { get; init; }

    /// <summary>On a unit of a sequential phase but the last: the staged file holding the layer's inputs [samples, in], which the next layer's unit moves through the merged layer.</summary>
    [JsonPropertyName("inputs_file")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InputsFile { get; init; }

    /// <summary>The SHA-256 of <see cref="InputsFile"/>.</summary>
    [JsonPropertyName("inputs_sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InputsSha256 { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <exception cref="InvalidDataException">The text is not a statistics unit's result.</exception>
    public static StatisticsUnitResult Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<StatisticsUnitResult>(json) is { Model: not null, File: not null, Sha256: not null } result
                ? result
                : throw new InvalidDataException("a statistics unit's result names no model, file or hash");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"a statistics unit's result is not valid JSON: {e.Message}", e);
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// What AdaMerging's coefficient unit leaves for the merge units (its phase result, kept in the job's state and
/// copied into the report): λ per model (rows, in <see cref="Models"/> order) and backbone tensor (columns, in
/// <see cref="Tensors"/> order). The values are float32 numbers (torch learns them in float32), exact in JSON.
/// </summary>
public sealed record CoefficientsUnitResult(
    [property: JsonPropertyName("models")] IReadOnlyList<string> Models,
    [property: JsonPropertyName("tensors")] IReadOnlyList<string> Tensors,
    [property: JsonPropertyName("coefficients")] IReadOnlyList<double[]> Coefficients,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    /// <summary>
    /// When the columns are groups of tensors (a llama's embeddings, blocks, final norm and head) rather than tensors:
    /// the group (a name in <see cref="Tensors"/>) of each tensor. Null when every column is one tensor.
    /// </summary>
    [JsonPropertyName("tensor_groups")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? TensorGroups { get; init; }

    /// <summary>Whether the unit found the coefficients in the statistics cache instead of learning them.</summary>
    [JsonPropertyName("cached")]
    public bool Cached { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>λ of <paramref name="model"/> for <paramref name="tensor"/> (its group's, when columns are groups), or null when none was learned for it.</summary>
    public double? Of(string model, string tensor)
    {
        var column = TensorGroups is not null && TensorGroups.TryGetValue(tensor, out var group) ? group : tensor;
        var i = Models.ToList().IndexOf(model);
        var k = Tensors.ToList().IndexOf(column);
        return i < 0 || k < 0 ? null : Coefficients[i][k];
    }

    /// <exception cref="InvalidDataException">The text is not a coefficient unit's result.</exception>
    public static CoefficientsUnitResult Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<CoefficientsUnitResult>(json) is { Models: not null, Tensors: not null, Coefficients: not null } result
                && result.Coefficients.Count == result.Models.Count && result.Coefficients.All(c => c.Length == result.Tensors.Count)
                ? result
                : throw new InvalidDataException("a coefficient unit's result does not give one coefficient per model and tensor");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"a coefficient unit's result is not valid JSON: {e.Message}", e);
        }
    }
}

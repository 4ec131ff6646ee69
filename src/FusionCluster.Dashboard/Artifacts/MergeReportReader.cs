using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Execution;

namespace FusionCluster.Dashboard.Artifacts;

/// <summary>Reads a published merge's fusion-report.json (bounded in size: it is shown in a page).</summary>
public sealed class MergeReportReader(IArtifactBrowser artifacts)
{
    public const long MaxReportBytes = 8L << 20;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The report at <paramref name="location"/>, or null when there is none.</summary>
    /// <exception cref="ArtifactException">It cannot be read, is too large, or is not a report.</exception>
    public async Task<MergeReportView?> ReadAsync(string location, CancellationToken cancellationToken)
    {
        await using var stream = await artifacts.OpenReadAsync(location, MergeArtifacts.ReportFileName, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        if (stream.CanSeek && stream.Length > MaxReportBytes)
        {
            throw new ArtifactException($"{MergeArtifacts.ReportFileName} is {stream.Length} bytes, more than the {MaxReportBytes} the page shows; download it instead");
        }

        JsonNode? root;
        try
        {
            root = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new ArtifactException($"{MergeArtifacts.ReportFileName} is not valid JSON: {e.Message}");
        }

        if (root is not JsonObject report)
        {
            throw new ArtifactException($"{MergeArtifacts.ReportFileName} is not a JSON object");
        }

        return new MergeReportView
        {
            Method = Text(report["method"]),
            Seed = Number<ulong>(report["seed"]),
            Tensors = Number<int>(report["tensors"]),
            InputBytes = Number<long>(report["input_bytes"]),
            OutputBytes = Number<long>(report["output_bytes"]),
            WallSeconds = Number<double>(report["wall_seconds"]),
            Spec = Text(report["spec"]),
            Inputs = report["inputs"] is JsonObject inputs
                ? inputs.Select(p => (p.Key, p.Value is JsonObject model ? Text(model["path"]) : "")).ToList()
                : [],
            Warnings = report["warnings"] is JsonArray warnings ? warnings.Select(Text).ToList() : [],
            Json = report.ToJsonString(Indented),
        };
    }

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static T Number<T>(JsonNode? node)
        where T : struct => node is JsonValue value && value.TryGetValue<T>(out var number) ? number : default;
}

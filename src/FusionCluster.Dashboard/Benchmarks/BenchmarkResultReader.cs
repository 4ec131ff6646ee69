using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;

namespace FusionCluster.Dashboard.Benchmarks;

/// <summary>
/// Reads and checks a multitask.json (<see cref="BenchmarkResultLayout"/>): anything missing, of the wrong type, not
/// finite, or an accuracy outside [0, 1] is an <see cref="ArtifactException"/> naming the file, the row and the key,
/// so one bad file is a message on the page, never a broken page.
/// </summary>
public static class BenchmarkResultReader
{
    public const long MaxDocumentBytes = 8L << 20;
    private const int MaxTasks = 256;
    private const int MaxRows = 1_000;

    /// <param name="where">The file as the message names it (its location and name).</param>
    /// <param name="name">The result's name: its folder's.</param>
    /// <exception cref="ArtifactException">The file is too large, not JSON, or not a benchmark result.</exception>
    public static async Task<BenchmarkResultView> ReadAsync(Stream stream, string where, string name, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length > MaxDocumentBytes)
        {
            throw new ArtifactException($"{where} is {stream.Length} bytes, more than the {MaxDocumentBytes} a benchmark result may have");
        }

        try
        {
            return Read(await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken), where, name);
        }
        catch (JsonException e)
        {
            throw new ArtifactException($"{where} is not valid JSON: {e.Message}");
        }
    }

    /// <exception cref="ArtifactException">The document is not a benchmark result; the message names <paramref name="where"/>.</exception>
    public static BenchmarkResultView Read(JsonNode? root, string where, string name)
    {
        if (root is not JsonObject document)
        {
            throw new ArtifactException($"{where} is not a JSON object");
        }

        var format = document["format"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
        if (format != BenchmarkResultLayout.Format)
        {
            throw new ArtifactException($"{where}: \"format\" is '{format}', not '{BenchmarkResultLayout.Format}' (write it with fusion benchmark multitask --publish)");
        }

        if (document["tasks"] is not JsonArray { Count: > 0 and <= MaxTasks } taskList)
        {
            throw new ArtifactException($"{where}: \"tasks\" must be a list of 1 to {MaxTasks} task names");
        }

        var tasks = taskList.Select((t, i) => t is JsonValue task && task.TryGetValue<string>(out var taskName) && taskName.Length > 0
            ? taskName
            : throw new ArtifactException($"{where}: tasks[{i}] must be a task's name")).ToList();
        if (tasks.Distinct(StringComparer.Ordinal).Count() != tasks.Count)
        {
            throw new ArtifactException($"{where}: \"tasks\" names a task twice");
        }

        if (document["rows"] is not JsonArray { Count: > 0 and <= MaxRows } rows)
        {
            throw new ArtifactException($"{where}: \"rows\" must be a list of 1 to {MaxRows} rows");
        }

        return new BenchmarkResultView(
            name,
            tasks,
            [.. rows.Select((row, i) => ReadRow(row, $"{where}: rows[{i}]", tasks))],
            OptionalNumber(document, "wall_seconds", where));
    }

    private static BenchmarkRowView ReadRow(JsonNode? node, string where, IReadOnlyList<string> tasks)
    {
        if (node is not JsonObject row)
        {
            throw new ArtifactException($"{where} is not an object");
        }

        var name = Text(row, "name", where);
        var at = $"{where} ({name})";
        List<double>? accuracy = null;
        if (row["accuracy"] is JsonObject perTask)
        {
            accuracy = [.. tasks.Select(task => OptionalNumber(perTask, task, $"{at}: accuracy") is { } a && a is >= 0 and <= 1
                ? a
                : throw new ArtifactException($"{at}: accuracy \"{task}\" must be a number from 0 to 1"))];
        }
        else if (row["accuracy"] is not null)
        {
            throw new ArtifactException($"{at}: \"accuracy\" must be an object of task → accuracy, or null");
        }

        var silos = OptionalNumber(row, "statistics_silos", at);
        return new BenchmarkRowView(
            name,
            Text(row, "kind", at),
            accuracy,
            OptionalNumber(row, "average", at),
            OptionalNumber(row, "normalized", at),
            OptionalNumber(row, "seconds", at),
            OptionalNumber(row, "statistics_seconds", at),
            silos is null ? null : (int)silos.Value,
            row["note"] is JsonValue note && note.TryGetValue<string>(out var noteText) ? noteText : "");
    }

    private static string Text(JsonObject node, string key, string where) =>
        node[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new ArtifactException($"{where}: \"{key}\" must be a non-empty string");

    // Through the number's JSON text: a parsed document holds JsonElements, a built one ints or doubles, and both must read alike.
    private static double? OptionalNumber(JsonObject node, string key, string where) => node[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => number,
        _ => throw new ArtifactException($"{where}: \"{key}\" must be a finite number or null"),
    };
}

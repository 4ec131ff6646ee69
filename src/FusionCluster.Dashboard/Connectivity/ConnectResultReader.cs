using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;

namespace FusionCluster.Dashboard.Connectivity;

/// <summary>
/// Reads and checks a connect.json (<see cref="ConnectResultLayout"/>): anything missing, of the wrong type,
/// not finite, or with α not rising from 0 to 1 is an <see cref="ArtifactException"/> naming the file, the path
/// and the point, so one bad file is a message on the page, never a broken page.
/// </summary>
public static class ConnectResultReader
{
    public const long MaxDocumentBytes = 8L << 20;
    private const int MaxPaths = 64;
    private const int MaxPoints = 10_000;

    /// <param name="where">The file as the message names it (its location and name).</param>
    /// <param name="fallbackName">The result's name when the document gives none (its folder's name).</param>
    /// <exception cref="ArtifactException">The file is too large, not JSON, or not a connect result.</exception>
    public static async Task<ConnectResultView> ReadAsync(Stream stream, string where, string fallbackName, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length > MaxDocumentBytes)
        {
            throw new ArtifactException($"{where} is {stream.Length} bytes, more than the {MaxDocumentBytes} a connect result may have");
        }

        JsonNode? root;
        try
        {
            root = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new ArtifactException($"{where} is not valid JSON: {e.Message}");
        }

        return Read(root, where, fallbackName);
    }

    /// <exception cref="ArtifactException">The document is not a connect result; the message names <paramref name="where"/>.</exception>
    public static ConnectResultView Read(JsonNode? root, string where, string fallbackName)
    {
        if (root is not JsonObject document)
        {
            throw new ArtifactException($"{where} is not a JSON object");
        }

        var format = Text(document, "format", where, required: false);
        if (format != ConnectResultLayout.Format)
        {
            throw new ArtifactException($"{where}: \"format\" is '{format}', not '{ConnectResultLayout.Format}' (write it with fusion connect --publish)");
        }

        var kind = Text(document, "kind", where);
        if (kind is not (ConnectResultLayout.ClassifierKind or ConnectResultLayout.LanguageKind))
        {
            throw new ArtifactException($"{where}: \"kind\" is '{kind}', expected {ConnectResultLayout.ClassifierKind} or {ConnectResultLayout.LanguageKind}");
        }

        if (document["models"] is not JsonObject models)
        {
            throw new ArtifactException($"{where}: \"models\" must be an object with \"a\" and \"b\"");
        }

        DateTimeOffset? createdAt = null;
        if (Text(document, "created_at", where, required: false) is { Length: > 0 } created)
        {
            createdAt = DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : throw new ArtifactException($"{where}: \"created_at\" '{created}' is not a date and time");
        }

        if (document["paths"] is not JsonArray { Count: > 0 and <= MaxPaths } paths)
        {
            throw new ArtifactException($"{where}: \"paths\" must be a list of 1 to {MaxPaths} paths");
        }

        var metric = kind == ConnectResultLayout.LanguageKind ? "perplexity" : "accuracy";
        var views = paths.Select((path, i) => ReadPath(path, $"{where}: paths[{i}]", metric)).ToList();
        var name = Text(document, "name", where, required: false);
        return new ConnectResultView(
            name.Length > 0 ? name : fallbackName,
            kind,
            Text(models, "a", $"{where}: models"),
            Text(models, "b", $"{where}: models"),
            Text(document, "data", where, required: false),
            createdAt,
            views);
    }

    private static ConnectPathView ReadPath(JsonNode? node, string where, string metric)
    {
        if (node is not JsonObject path)
        {
            throw new ArtifactException($"{where} is not an object");
        }

        if (path["points"] is not JsonArray { Count: >= 2 and <= MaxPoints } points)
        {
            throw new ArtifactException($"{where}: \"points\" must be a list of 2 to {MaxPoints} points");
        }

        var list = new List<ConnectPointView>();
        for (var i = 0; i < points.Count; i++)
        {
            var at = $"{where}.points[{i}]";
            if (points[i] is not JsonObject point)
            {
                throw new ArtifactException($"{at} is not an object");
            }

            var alpha = Number(point, "alpha", at);
            if (alpha is < 0 or > 1 || (list.Count > 0 && !(alpha > list[^1].Alpha)))
            {
                throw new ArtifactException($"{at}: \"alpha\" {alpha.ToString(CultureInfo.InvariantCulture)} must lie in [0, 1] and rise from point to point");
            }

            list.Add(new ConnectPointView(alpha, Number(point, "loss", at), Number(point, metric, at)));
        }

        if (list[0].Alpha != 0 || list[^1].Alpha != 1)
        {
            throw new ArtifactException($"{where}: the points must start at α = 0 and end at α = 1");
        }

        var metricBarrier = metric == "perplexity" ? "perplexity_barrier" : "accuracy_barrier";
        return new ConnectPathView(
            Text(path, "label", where),
            Text(path, "curve", where, required: false) is { Length: > 0 } curve ? curve : "linear",
            Text(path, "alignment", where),
            path["repair"] is JsonValue repair && repair.TryGetValue<bool>(out var on) && on,
            Number(path, "loss_barrier", where),
            Number(path, "loss_barrier_alpha", where),
            Number(path, metricBarrier, where),
            list);
    }

    private static string Text(JsonObject node, string key, string where, bool required = true)
    {
        if (node[key] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        return node[key] is null && !required ? "" : throw new ArtifactException($"{where}: \"{key}\" must be a string");
    }

    // Through the number's JSON text: a parsed document holds JsonElements, a built one ints or doubles, and both must read alike.
    private static double Number(JsonObject node, string key, string where) =>
        node[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new ArtifactException($"{where}: \"{key}\" must be a finite number");
}

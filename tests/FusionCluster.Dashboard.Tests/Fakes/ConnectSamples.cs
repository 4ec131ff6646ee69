using System.Text;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;

namespace FusionCluster.Dashboard.Tests.Fakes;

/// <summary>
/// connect.json documents written by hand as fusion connect --publish lays them out, with barriers computed by
/// hand from their points: naive (loss 0.2, 1.4, 0.3 at α 0, 0.5, 1: barrier 1.4 − 0.25 = 1.15; accuracy 0.95,
/// 0.40, 0.94: barrier 0.945 − 0.40 = 0.545) and weight matching (loss 0.2, 0.35, 0.3: 0.1; accuracy 0.95, 0.90,
/// 0.94: 0.045).
/// </summary>
public static class ConnectSamples
{
    public static JsonObject Naive() => ClassifierPath("naive", "none", repair: false, [(0, 0.2, 0.95), (0.5, 1.4, 0.40), (1, 0.3, 0.94)], 1.15, 0.5, 0.545);

    public static JsonObject WeightMatching() => ClassifierPath("weight matching", "weight_matching", repair: false, [(0, 0.2, 0.95), (0.5, 0.35, 0.90), (1, 0.3, 0.94)], 0.1, 0.5, 0.045);

    public static JsonObject ClassifierPath(string label, string alignment, bool repair, (double Alpha, double Loss, double Accuracy)[] points, double lossBarrier, double lossAlpha, double accuracyBarrier) => new()
    {
        ["label"] = label,
        ["curve"] = "linear",
        ["alignment"] = alignment,
        ["repair"] = repair,
        ["loss_barrier"] = lossBarrier,
        ["loss_barrier_alpha"] = lossAlpha,
        ["accuracy_barrier"] = accuracyBarrier,
        ["accuracy_barrier_alpha"] = 0.5,
        ["points"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject { ["alpha"] = p.Alpha, ["accuracy"] = p.Accuracy, ["loss"] = p.Loss })]),
    };

    /// <param name="createdAt">The created_at that results published before connect.json dropped it carry; null for none, as written now.</param>
    public static JsonObject Document(string name, string? createdAt, params JsonObject[] paths)
    {
        var document = new JsonObject
        {
            ["format"] = ConnectResultLayout.Format,
            ["name"] = name,
            ["kind"] = ConnectResultLayout.ClassifierKind,
            ["models"] = new JsonObject { ["a"] = "/models/mlp-seed1", ["b"] = "/models/mlp-seed2" },
            ["data"] = "/data/digits.fcds",
            ["paths"] = new JsonArray([.. paths.Select(p => (JsonNode)p)]),
        };
        if (createdAt is not null)
        {
            document["created_at"] = createdAt;
        }

        return document;
    }

    /// <summary>Publishes connect.json (and a plot when given) at root/name through the local store, manifest last.</summary>
    public static Task PublishAsync(string root, string name, string json, byte[]? plot = null)
    {
        List<PublishedContent> files = [new(ConnectResultLayout.DocumentFileName, Encoding.UTF8.GetBytes(json))];
        if (plot is not null)
        {
            files.Add(new PublishedContent(ConnectResultLayout.PlotFileName, plot));
        }

        return new LocalFolderStore().PublishFilesAsync(Path.Combine(root, name), files, overwrite: false, CancellationToken.None);
    }
}

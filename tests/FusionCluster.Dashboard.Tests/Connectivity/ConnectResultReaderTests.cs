using System.Text.Json.Nodes;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Connectivity;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Connectivity;

public sealed class ConnectResultReaderTests
{
    private const string Where = "/results/mlp/connect.json";

    [Fact]
    public void A_classifier_result_reads_with_its_models_paths_points_and_barriers()
    {
        var view = ConnectResultReader.Read(ConnectSamples.Document("mlp", "2026-12-03T21:00:00Z", ConnectSamples.Naive(), ConnectSamples.WeightMatching()), Where, "folder");

        Assert.Equal("mlp", view.Name);
        Assert.Equal("accuracy", view.MetricName);
        Assert.Equal(("/models/mlp-seed1", "/models/mlp-seed2"), (view.ModelA, view.ModelB));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 21, 0, 0, TimeSpan.Zero), view.CreatedAt);
        Assert.Equal(["naive", "weight matching"], view.Paths.Select(p => p.Label));
        Assert.Equal([1.15, 0.1], view.Paths.Select(p => p.LossBarrier));
        Assert.Equal([0.545, 0.045], view.Paths.Select(p => p.MetricBarrier));
        Assert.Equal(new ConnectPointView(0.5, 1.4, 0.40), view.Paths[0].Midpoint);
    }

    [Fact]
    public void A_language_result_carries_perplexity_and_a_document_without_a_name_takes_its_folders()
    {
        var path = new JsonObject
        {
            ["label"] = "naive", ["curve"] = "linear", ["alignment"] = "none", ["tokens"] = 4096,
            ["loss_barrier"] = 0.5, ["loss_barrier_alpha"] = 0.5, ["perplexity_barrier"] = 12.0,
            ["points"] = new JsonArray(new JsonObject { ["alpha"] = 0, ["perplexity"] = 20.0, ["loss"] = 3.0 }, new JsonObject { ["alpha"] = 1, ["perplexity"] = 22.0, ["loss"] = 3.1 }),
        };
        var document = ConnectSamples.Document("", "2026-12-03T21:00:00Z", path);
        document["kind"] = "language";
        document.Remove("name");

        var view = ConnectResultReader.Read(document, Where, "tiny-llamas");

        Assert.Equal("tiny-llamas", view.Name);
        Assert.Equal("perplexity", view.MetricName);
        Assert.Equal([20.0, 22.0], view.Paths[0].Points.Select(p => p.Metric));
        Assert.Equal(12.0, view.Paths[0].MetricBarrier);
    }

    [Theory]
    [InlineData("format", "\"format\" is 'fusioncluster-merge/1'")]
    [InlineData("kind", "\"kind\" is 'regression'")]
    [InlineData("no-paths", "\"paths\" must be a list of 1 to 64 paths")]
    [InlineData("alpha-falls", "paths[1].points[2]: \"alpha\" 0.4 must lie in [0, 1] and rise")]
    [InlineData("loss-text", "paths[0].points[1]: \"loss\" must be a finite number")]
    [InlineData("no-accuracy", "paths[0].points[0]: \"accuracy\" must be a finite number")]
    [InlineData("short-path", "paths[0]: the points must start at α = 0 and end at α = 1")]
    [InlineData("no-models", "\"models\" must be an object")]
    [InlineData("no-barrier", "paths[1]: \"loss_barrier\" must be a finite number")]
    public void A_bad_document_is_an_error_naming_the_file_and_the_place(string damage, string expected)
    {
        var document = ConnectSamples.Document("mlp", "2026-12-03T21:00:00Z", ConnectSamples.Naive(), ConnectSamples.WeightMatching());
        var paths = document["paths"]!.AsArray();
        switch (damage)
        {
            case "format": document["format"] = "fusioncluster-merge/1"; break;
            case "kind": document["kind"] = "regression"; break;
            case "no-paths": document["paths"] = new JsonArray(); break;
            case "alpha-falls": paths[1]!["points"]![2]!["alpha"] = 0.4; break;
            case "loss-text": paths[0]!["points"]![1]!["loss"] = "high"; break;
            case "no-accuracy": paths[0]!["points"]![0]!.AsObject().Remove("accuracy"); break;
            case "short-path": paths[0]!["points"]!.AsArray().RemoveAt(2); break;
            case "no-models": document.Remove("models"); break;
            case "no-barrier": paths[1]!.AsObject().Remove("loss_barrier"); break;
        }

        var error = Assert.Throws<ArtifactException>(() => ConnectResultReader.Read(document, Where, "mlp"));

        Assert.StartsWith(Where, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_json_is_an_error_naming_it()
    {
        using var stream = new MemoryStream("{\"format\": "u8.ToArray());

        var error = await Assert.ThrowsAsync<ArtifactException>(() => ConnectResultReader.ReadAsync(stream, Where, "mlp", Xunit.TestContext.Current.CancellationToken));

        Assert.StartsWith($"{Where} is not valid JSON", error.Message, StringComparison.Ordinal);
    }
}

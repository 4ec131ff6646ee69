using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Tests.Jobs;
using FusionCluster.TestSupport;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// A connect sweep whose <c>out:</c> is a blob prefix in a real Azurite, on real MNIST MLPs: each point publishes its
/// connect result under the prefix's <c>connect/</c>, and <c>promote.keep_runs</c> deletes the older run's results there
/// (blobs of another name under <c>connect/</c> are left alone).
/// </summary>
public sealed class ConnectSweepBlobOutputTests(TrainedClassifierFolder models) : IClassFixture<TrainedClassifierFolder>
{
    private const string Container = "sweeps";

    private const string ForeignBlob = "nightly/connect/notes/readme.txt";

    [Fact]
    public async Task Keep_runs_deletes_the_older_runs_connect_results_on_the_prefix_and_nothing_else()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var azurite = await AzuriteProcess.StartAsync(inMemory: true, cancellationToken: cancellation);
        await using var cluster = await SweepTestSettings.StartWithBlobsAsync(azurite);
        var container = azurite.CreateServiceClient().GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellation);
        await container.GetBlobClient(ForeignBlob).UploadAsync(BinaryData.FromString("someone's notes"), cancellation);
        var sweep = cluster.Client.GetGrain<ISweepGrain>("connect-blob");
        var definition = new SweepDefinition
        {
            SpecText = $$"""
                name: connect on blobs
                kind: connect
                connect: {a: mlp-1, b: mlp-2, dataset: {{TrainedClassifierFolder.DatasetFile}}, points: 3, max_samples: 300}
                space:
                  grid:
                    connect.align: [none, weight_matching]
                promote: {keep_runs: 1}
                out: az://{{Container}}/nightly
                """,
            SpecName = "sweep.yaml",
            SpecDirectory = models.Folder,
        };
        Func<int, Task<bool>> recordWritten = async n => (await container.GetBlobClient($"nightly/runs/{SweepOutputLayout.RunFileName(n)}").ExistsAsync(cancellation)).Value;

        var first = await SweepTestSettings.RunToTheEndAsync(sweep, definition, recordWritten, cancellation);
        var afterFirst = await BlobsAsync(container, "nightly/connect/", cancellation);
        var second = await SweepTestSettings.RunToTheEndAsync(sweep, null, recordWritten, cancellation);
        var afterSecond = await BlobsAsync(container, "nightly/connect/", cancellation);

        string[] published = [ConnectResultLayout.DocumentFileName, ConnectResultLayout.PlotFileName, MergeManifest.FileName];
        foreach (var (run, blobs) in new[] { (first, afterFirst), (second, afterSecond) })
        {
            Assert.Equal(SweepRunState.Succeeded, run.Summary.State);
            Assert.All(run.Candidates, c => Assert.True(c.State == CandidateState.Done, $"{c.Label}: {c.Error}"));
            Assert.All(run.Candidates, c => Assert.Equal($"az://{Container}/nightly/connect/{SweepOutputLayout.ConnectResultName(run.Summary.Number, c.Index)}", c.MergeOutput));
            string[] expected =
            [
                ForeignBlob,
                .. run.Candidates.SelectMany(c => published.Select(file => $"nightly/connect/{SweepOutputLayout.ConnectResultName(run.Summary.Number, c.Index)}/{file}")),
            ];
            Assert.Equal(expected.Order(StringComparer.Ordinal), blobs);
        }

        Assert.Equal((1, 2), (first.Summary.Number, second.Summary.Number));
        Assert.Equal(["nightly/runs/run-000002.json"], await BlobsAsync(container, "nightly/runs/", cancellation));
        Assert.Equal("someone's notes", (await container.GetBlobClient(ForeignBlob).DownloadContentAsync(cancellation)).Value.Content.ToString());
    }

    /// <summary>The names of the blobs under <paramref name="prefix"/>, in ordinal order.</summary>
    private static async Task<List<string>> BlobsAsync(BlobContainerClient container, string prefix, CancellationToken cancellation)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellation))
        {
            names.Add(item.Name);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }
}

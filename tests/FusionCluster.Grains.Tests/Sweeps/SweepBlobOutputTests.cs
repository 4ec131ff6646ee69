using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// A sweep whose <c>out:</c> is a blob prefix in a real Azurite: it merges there, its evaluators read the merges
/// from there, and it promotes and prunes there, with the same results as the same sweep on a local folder.
/// </summary>
public sealed class SweepBlobOutputTests : IDisposable
{
    private const string Container = "sweeps";

    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task A_sweep_on_a_blob_prefix_merges_evaluates_promotes_and_prunes_there_as_on_a_folder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var azurite = await AzuriteProcess.StartAsync(inMemory: true, cancellationToken: cancellation);
        await using var cluster = await SweepTestSettings.StartWithBlobsAsync(azurite);
        var container = azurite.CreateServiceClient().GetBlobContainerClient(Container);
        var template = Path.Combine(models.Folder, "template.yaml");

        // Run 1, then run 2 with the base weighted differently: every merge of run 1 has another key than run 2's.
        await File.WriteAllTextAsync(template, Template(baseWeight: 0.5), cancellation);
        Func<int, Task<bool>> blobRecord = async n => (await container.GetBlobClient($"nightly/runs/{SweepOutputLayout.RunFileName(n)}").ExistsAsync(cancellation)).Value;
        Func<int, Task<bool>> folderRecord = n => Task.FromResult(File.Exists(Path.Combine(models.Folder, "folder-out", "runs", SweepOutputLayout.RunFileName(n))));
        var blobRun1 = await SweepTestSettings.RunToTheEndAsync(cluster.Client.GetGrain<ISweepGrain>("blob"), Definition($"az://{Container}/nightly"), blobRecord, cancellation);
        var folderRun1 = await SweepTestSettings.RunToTheEndAsync(cluster.Client.GetGrain<ISweepGrain>("folder"), Definition("folder-out"), folderRecord, cancellation);
        await File.WriteAllTextAsync(template, Template(baseWeight: 0.4), cancellation);
        var blobRun2 = await SweepTestSettings.RunToTheEndAsync(cluster.Client.GetGrain<ISweepGrain>("blob"), null, blobRecord, cancellation);
        var folderRun2 = await SweepTestSettings.RunToTheEndAsync(cluster.Client.GetGrain<ISweepGrain>("folder"), null, folderRecord, cancellation);

        // The same merges and the same metrics as on a folder, and every merge was published on the prefix.
        foreach (var (blob, folder) in new[] { (blobRun1, folderRun1), (blobRun2, folderRun2) })
        {
            Assert.Equal(SweepRunState.Succeeded, blob.Summary.State);
            Assert.Null(blob.Summary.Error);
            Assert.Equal(folder.Candidates.Select(c => (c.CacheKey, c.Objective)), blob.Candidates.Select(c => (c.CacheKey, c.Objective)));
            Assert.Equal(folder.Leaderboard, blob.Leaderboard);
            Assert.All(blob.Candidates, c => Assert.Equal($"az://{Container}/nightly/merges/{c.CacheKey}", c.MergeOutput));
        }

        Assert.DoesNotContain(blobRun1.Candidates.Select(c => c.CacheKey), blobRun2.Candidates.Select(c => c.CacheKey).Contains);

        var blobs = new List<string>();
        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellation))
        {
            blobs.Add(item.Name);
        }

        // keep_runs: 1: run 1's record and merges are pruned; best/ holds run 2's best, manifest and all.
        Assert.Equal(["nightly/runs/run-000002.json"], blobs.Where(b => b.StartsWith("nightly/runs/", StringComparison.Ordinal)));
        var mergeKeys = blobs.Where(b => b.StartsWith("nightly/merges/", StringComparison.Ordinal)).Select(b => b.Split('/')[2]).Distinct().Order();
        Assert.Equal(blobRun2.Candidates.Select(c => c.CacheKey).Order(), mergeKeys);
        var best = blobRun2.Candidates[blobRun2.Leaderboard[0]];
        Assert.Equal($"az://{Container}/nightly/best", blobRun2.PromotedTo);
        var bestModel = await container.GetBlobClient("nightly/best/model.safetensors").DownloadContentAsync(cancellation);
        var mergedModel = await container.GetBlobClient($"nightly/merges/{best.CacheKey}/model.safetensors").DownloadContentAsync(cancellation);
        Assert.Equal(mergedModel.Value.Content.ToArray(), bestModel.Value.Content.ToArray());
        Assert.Contains($"nightly/best/{MergeManifest.FileName}", blobs);
        var info = (await container.GetBlobClient($"nightly/best/{SweepOutputLayout.BestInfoFileName}").DownloadContentAsync(cancellation)).Value.Content.ToString();
        Assert.Contains($"\"cache_key\": \"{best.CacheKey}\"", info, StringComparison.Ordinal);
        Assert.Contains("\"run\": 2", info, StringComparison.Ordinal);
    }

    private SweepDefinition Definition(string output) => new() { SpecText = Sweep(output), SpecName = "sweep.yaml", SpecDirectory = models.Folder };

    private static string Sweep(string output) => $$"""
        template: template.yaml
        space:
          grid:
            models[1].parameters.weight: [0.25, 0.75]
        max_concurrent: 2
        evaluator:
          tensors: {compare: [ft-1], base: base}
        objective: {metric: cosine/ft-1, direction: maximize}
        promote: {best: true, keep_runs: 1}
        out: {{output}}
        """;

    private static string Template(double baseWeight) => $$"""
        merge_method: linear
        models:
          - model: base
            parameters: {weight: {{baseWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}
          - model: ft-1
            parameters: {weight: 0.5}
        """;
}

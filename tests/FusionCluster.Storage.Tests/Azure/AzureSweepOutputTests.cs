using System.Text;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>
/// A sweep's output under a blob prefix in a real Azurite: a sweep takes only a new prefix or its own, and pruning keeps
/// the kept runs' connect results only.
/// </summary>
public sealed class AzureSweepOutputTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Pruning_deletes_the_connect_results_of_runs_not_kept_and_leaves_other_blobs_alone()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var container = await azurite.NewContainerAsync("connect-prune");
        var store = await azurite.StoreAsync();
        var output = store.OpenSweepOutput($"az://{container.Name}/nightly");
        foreach (var (run, point) in new[] { (1, 0), (1, 1), (2, 0) })
        {
            await store.PublishFilesAsync(output.ConnectLocation(run, point), [new PublishedContent(ConnectResultLayout.DocumentFileName, Encoding.UTF8.GetBytes("{}"))], overwrite: false, cancellation);
        }

        // Not inside a connect result's folder: not the sweep's to delete.
        await container.GetBlobClient("nightly/connect/notes.txt").UploadAsync(BinaryData.FromString("mine"), cancellation);
        await container.GetBlobClient("nightly/connect/run-000001-point-000-copy/connect.json").UploadAsync(BinaryData.FromString("mine"), cancellation);

        await output.PruneAsync(new HashSet<string>(), new HashSet<int> { 2 }, cancellation);

        var blobs = new List<string>();
        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellation))
        {
            blobs.Add(item.Name);
        }

        Assert.Equal(
            ["nightly/connect/notes.txt", "nightly/connect/run-000001-point-000-copy/connect.json",
             $"nightly/connect/run-000002-point-000/{ConnectResultLayout.DocumentFileName}", $"nightly/connect/run-000002-point-000/{MergeManifest.FileName}"],
            blobs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_sweep_claims_a_new_prefix_and_refuses_one_holding_other_blobs_or_another_sweeps_output()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var container = await azurite.NewContainerAsync("sweep-claim");
        var store = await azurite.StoreAsync();
        await container.GetBlobClient("models/config.json").UploadAsync(BinaryData.FromString("mine"), cancellation);

        await store.OpenSweepOutput($"az://{container.Name}/nightly").ClaimAsync("nightly", "nightly", cancellation);
        await store.OpenSweepOutput($"az://{container.Name}/nightly").ClaimAsync("nightly", "nightly", cancellation);
        var other = await Assert.ThrowsAsync<StorageException>(() => store.OpenSweepOutput($"az://{container.Name}/nightly").ClaimAsync("weekly", "weekly", cancellation));
        var foreign = await Assert.ThrowsAsync<StorageException>(() => store.OpenSweepOutput($"az://{container.Name}").ClaimAsync("weekly", "weekly", cancellation));

        Assert.Equal("{\"sweep\":\"nightly\",\"name\":\"nightly\"}\n", (await container.GetBlobClient($"nightly/{SweepOutputLayout.OwnerFileName}").DownloadContentAsync(cancellation)).Value.Content.ToString());
        Assert.Contains("is the output of sweep 'nightly'", other.Message, StringComparison.Ordinal);
        Assert.Contains("holds 'models', which is not part of a sweep's output", foreign.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_history_is_the_owning_sweeps_run_records_by_number_and_bests_info()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var container = await azurite.NewContainerAsync("sweep-history");
        var store = await azurite.StoreAsync();
        var output = store.OpenSweepOutput($"az://{container.Name}/nightly");
        Assert.Same(SweepOutputHistory.None, await output.ReadHistoryAsync("nightly", cancellation));
        await output.ClaimAsync("nightly", "nightly", cancellation);
        await output.WriteRunAsync(12, "twelve", cancellation);
        await output.WriteRunAsync(3, "three", cancellation);
        await container.GetBlobClient("nightly/runs/notes.txt").UploadAsync(BinaryData.FromString("mine"), cancellation);
        await container.GetBlobClient("nightly/runs/old/run-000001.json").UploadAsync(BinaryData.FromString("deeper"), cancellation);
        await container.GetBlobClient($"nightly/best/{SweepOutputLayout.BestInfoFileName}").UploadAsync(BinaryData.FromString("{\"cache_key\": \"k\"}"), cancellation);

        var history = await output.ReadHistoryAsync("nightly", cancellation);
        var others = await output.ReadHistoryAsync("weekly", cancellation);

        Assert.Equal([(3, "three"), (12, "twelve")], history.Runs);
        Assert.Equal("{\"cache_key\": \"k\"}", history.BestInfoJson);
        Assert.Same(SweepOutputHistory.None, others);
    }
}

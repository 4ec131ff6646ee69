using System.Text;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>A sweep's output in a folder: pruning keeps the kept runs' connect results and nothing else of the sweep's.</summary>
public sealed class LocalSweepOutputTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Pruning_deletes_the_connect_results_of_runs_not_kept_and_leaves_other_folders_alone()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var store = new LocalFolderStore();
        var output = store.OpenSweepOutput(temp.Path);
        foreach (var (run, point) in new[] { (1, 0), (1, 1), (2, 0), (3, 0) })
        {
            await store.PublishFilesAsync(output.ConnectLocation(run, point), [new PublishedContent(ConnectResultLayout.DocumentFileName, Encoding.UTF8.GetBytes("{}"))], overwrite: false, cancellation);
        }

        // Not a connect result's name: not the sweep's to delete.
        Directory.CreateDirectory(Path.Combine(temp.Path, "connect", "notes"));
        Directory.CreateDirectory(Path.Combine(temp.Path, "connect", "run-000001-point-000-copy"));

        await output.PruneAsync(new HashSet<string>(), new HashSet<int> { 2, 3 }, cancellation);

        Assert.Equal(
            ["notes", "run-000001-point-000-copy", "run-000002-point-000", "run-000003-point-000"],
            Directory.EnumerateDirectories(Path.Combine(temp.Path, "connect")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(temp.Path, "connect", "run-000002-point-000", ConnectResultLayout.DocumentFileName)));
        Assert.True(File.Exists(Path.Combine(temp.Path, "connect", "run-000002-point-000", MergeManifest.FileName)));
    }
}

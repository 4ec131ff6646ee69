using System.Text;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>
/// A sweep's output in a folder: a sweep takes only a new or empty folder or its own, and pruning keeps the kept runs'
/// connect results and nothing else of the sweep's.
/// </summary>
public sealed class LocalSweepOutputTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_history_is_the_owning_sweeps_run_records_by_number_and_bests_info()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var output = new LocalFolderStore().OpenSweepOutput(temp.Path);
        Assert.Same(SweepOutputHistory.None, await output.ReadHistoryAsync("nightly", cancellation));
        await output.ClaimAsync("nightly", "nightly", cancellation);
        await output.WriteRunAsync(12, "twelve", cancellation);
        await output.WriteRunAsync(3, "three", cancellation);
        File.WriteAllText(Path.Combine(temp.Path, "runs", "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(temp.Path, "runs", "run-000004.json.partial"), "half");
        Directory.CreateDirectory(Path.Combine(temp.Path, "best"));
        File.WriteAllText(Path.Combine(temp.Path, "best", SweepOutputLayout.BestInfoFileName), "{\"cache_key\": \"k\"}");

        var history = await output.ReadHistoryAsync("nightly", cancellation);
        var others = await output.ReadHistoryAsync("weekly", cancellation);

        Assert.Equal([(3, "three"), (12, "twelve")], history.Runs);
        Assert.Equal("{\"cache_key\": \"k\"}", history.BestInfoJson);
        Assert.Same(SweepOutputHistory.None, others);
    }

    [Fact]
    public async Task A_run_record_that_is_a_link_or_a_pipe_is_not_read_but_its_number_is_kept()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var output = new LocalFolderStore().OpenSweepOutput(temp.Path);
        await output.ClaimAsync("nightly", "nightly", cancellation);
        await output.WriteRunAsync(3, "three", cancellation);
        File.CreateSymbolicLink(Path.Combine(temp.Path, "runs", "run-000001.json"), "/etc/passwd");
        Fifo.Create(Path.Combine(temp.Path, "runs", "run-000002.json"));

        var history = await output.ReadHistoryAsync("nightly", cancellation);

        Assert.Equal([(1, null), (2, null), (3, "three")], history.Runs);
    }

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

    [Fact]
    public async Task Run_records_and_the_owner_file_are_never_written_through_a_planted_link()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var root = Path.Combine(temp.Path, "out");
        var victim = Path.Combine(temp.Path, "profile");
        File.WriteAllText(victim, "the silo user's own file");
        Directory.CreateDirectory(Path.Combine(root, "runs"));
        // Links under the names a write passes through, the old partial names and the new, and the record's own.
        foreach (var name in new[] { $"{SweepOutputLayout.OwnerFileName}.partial", $".{SweepOutputLayout.OwnerFileName}.partial" })
        {
            File.CreateSymbolicLink(Path.Combine(root, name), victim);
        }

        foreach (var name in new[] { "run-000003.json.partial", ".run-000003.json.partial", "run-000004.json" })
        {
            File.CreateSymbolicLink(Path.Combine(root, "runs", name), victim);
        }

        var output = new LocalFolderStore().OpenSweepOutput(root);
        await Assert.ThrowsAsync<StorageException>(() => output.ClaimAsync("nightly", "nightly", cancellation));
        File.Delete(Path.Combine(root, $"{SweepOutputLayout.OwnerFileName}.partial"));
        await output.ClaimAsync("nightly", "nightly", cancellation);
        await output.WriteRunAsync(3, "three", cancellation);
        await output.WriteRunAsync(4, "four", cancellation);

        Assert.Equal("the silo user's own file", File.ReadAllText(victim));
        Assert.Equal([(3, "three"), (4, "four")], (await output.ReadHistoryAsync("nightly", cancellation)).Runs);
        Assert.False(LocalPath.IsLink(Path.Combine(root, "runs", "run-000004.json")));
    }

    [Fact]
    public async Task A_sweep_claims_a_new_folder_once_and_then_it_is_its_own()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var root = Path.Combine(temp.Path, "nightly");
        var output = new LocalFolderStore().OpenSweepOutput(root);

        await output.ClaimAsync("nightly", "nightly", cancellation);
        Directory.CreateDirectory(Path.Combine(root, SweepOutputLayout.MergesFolder));
        await output.ClaimAsync("nightly", "nightly", cancellation);
        var other = await Assert.ThrowsAsync<StorageException>(() => output.ClaimAsync("weekly", "weekly", cancellation));

        Assert.Equal("{\"sweep\":\"nightly\",\"name\":\"nightly\"}\n", File.ReadAllText(Path.Combine(root, SweepOutputLayout.OwnerFileName)));
        Assert.StartsWith($"out: {root} is the output of sweep 'nightly'; a sweep prunes and replaces", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_owner_file_written_before_names_were_recorded_gets_the_name_at_the_next_claim()
    {
        var root = Path.Combine(temp.Path, "nightly");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, SweepOutputLayout.OwnerFileName), "{\"sweep\":\"nightly\"}\n");

        await new LocalFolderStore().OpenSweepOutput(root).ClaimAsync("nightly", "Nightly", TestContext.Current.CancellationToken);

        Assert.Equal("{\"sweep\":\"nightly\",\"name\":\"Nightly\"}\n", File.ReadAllText(Path.Combine(root, SweepOutputLayout.OwnerFileName)));
    }

    [Fact]
    public async Task A_file_at_out_is_refused_as_not_a_folder_and_left_as_it_was()
    {
        var file = Path.Combine(temp.Path, "results.txt");
        File.WriteAllText(file, "mine");

        var refused = await Assert.ThrowsAsync<StorageException>(() => new LocalFolderStore().OpenSweepOutput(file).ClaimAsync("nightly", "nightly", TestContext.Current.CancellationToken));

        Assert.Equal($"out: {file} is a file; a sweep's output is a folder (new or empty, or one of this sweep's)", refused.Message);
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public async Task A_folder_holding_a_users_files_is_refused_and_left_as_it_was()
    {
        var cancellation = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Path.Combine(temp.Path, "best"));
        File.WriteAllText(Path.Combine(temp.Path, "best", "notes.txt"), "mine");
        var output = new LocalFolderStore().OpenSweepOutput(temp.Path);

        var best = await Assert.ThrowsAsync<StorageException>(() => output.ClaimAsync("nightly", "nightly", cancellation));
        File.WriteAllText(Path.Combine(temp.Path, "model.safetensors"), "weights");
        var foreign = await Assert.ThrowsAsync<StorageException>(() => output.ClaimAsync("nightly", "nightly", cancellation));

        Assert.Contains($"holds a best/ without {SweepOutputLayout.BestInfoFileName}, which is not a promoted merge", best.Message, StringComparison.Ordinal);
        Assert.Contains("holds 'model.safetensors', which is not part of a sweep's output", foreign.Message, StringComparison.Ordinal);
        Assert.Equal(["best", "model.safetensors"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(temp.Path, "best", "notes.txt")));
    }

    [Fact]
    public async Task An_output_of_the_version_before_owner_files_is_taken_over()
    {
        var cancellation = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Path.Combine(temp.Path, SweepOutputLayout.RunsFolder));
        Directory.CreateDirectory(Path.Combine(temp.Path, SweepOutputLayout.BestFolder));
        File.WriteAllText(Path.Combine(temp.Path, SweepOutputLayout.BestFolder, SweepOutputLayout.BestInfoFileName), "{}");

        await new LocalFolderStore().OpenSweepOutput(temp.Path).ClaimAsync("nightly", "nightly", cancellation);

        Assert.True(File.Exists(Path.Combine(temp.Path, SweepOutputLayout.OwnerFileName)));
    }

    [Fact]
    public async Task An_owner_file_that_is_a_fifo_is_refused_at_once_not_read()
    {
        var cancellation = TestContext.Current.CancellationToken;
        Fifo.Create(Path.Combine(temp.Path, SweepOutputLayout.OwnerFileName));
        var output = new LocalFolderStore().OpenSweepOutput(temp.Path);

        // Read with File.ReadAllText it blocked until something wrote into the pipe.
        var error = await Promptly.RunAsync(() => Assert.ThrowsAsync<StorageException>(() => output.ClaimAsync("nightly", "nightly", cancellation)));

        Assert.Contains(SweepOutputLayout.OwnerFileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_where_no_folder_can_be_made_is_refused_in_the_tools_words()
    {
        // /sys refuses new folders even to root. Before, the claim failed with "Access to the path '/sys/fusion-sweep' is denied."
        Assert.SkipUnless(Directory.Exists("/sys/kernel"), "/sys is not mounted here");
        var output = new LocalSweepOutput("/sys/fusion-sweep");

        var error = await Assert.ThrowsAsync<StorageException>(() => output.ClaimAsync("nightly", "nightly", TestContext.Current.CancellationToken));

        Assert.Equal("out '/sys/fusion-sweep' cannot be made: no folder can be created in '/sys' (permission denied)", error.Message);
    }
}

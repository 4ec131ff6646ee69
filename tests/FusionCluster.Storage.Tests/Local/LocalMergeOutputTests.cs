using System.Collections.Concurrent;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>The local output's commit protocol: staging, publish order, discard, refusing an existing result.</summary>
public sealed class LocalMergeOutputTests : IDisposable
{
    private readonly TempFolder temp = new();

    public LocalMergeOutputTests() => TestModels.WriteAll(temp.Path);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Publish_moves_the_entry_point_after_the_other_files_and_writes_the_manifest_last()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = temp.Folder("merged");
        await harness.PrepareAsync(plan, output, "job");
        await harness.RunUnitsAsync(plan, plan.Units, output, "job");
        Assert.Empty(Directory.EnumerateFiles(output));

        var events = new ConcurrentQueue<string>();
        using (var watcher = new FileSystemWatcher(output) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName })
        {
            watcher.Created += (_, e) => events.Enqueue(e.Name!);
            watcher.Renamed += (_, e) => events.Enqueue(e.Name!);
            watcher.EnableRaisingEvents = true;
            await harness.PublishAsync(plan, output, "job");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!events.Contains(MergeManifest.FileName) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, Token);
            }

            await Task.Delay(200, Token);
        }

        var order = events.Distinct().ToList();
        Assert.Equal(MergeManifest.FileName, order[^1]);
        Assert.Equal(CheckpointFolder.IndexFileName, order[^2]);
        Assert.Equal(Directory.EnumerateFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(output, ".fusion-staging")));
        using var merged = CheckpointFolder.Open(output);
        Assert.Equal(plan.TensorCount, merged.TensorNames.Count);
    }

    [Fact]
    public async Task Staged_shards_reserve_their_space_unless_asked_not_to_and_publish_the_same_bytes_either_way()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var reserved = temp.Folder("reserved");
        var sparse = temp.Folder("sparse");
        await harness.Output(reserved, "job").PrepareAsync(plan, reserveSpace: true, Token);
        await harness.Output(sparse, "job").PrepareAsync(plan, reserveSpace: false, Token);

        // Before any unit writes: each reserved shard holds its whole length on the disk, each sparse one barely its header.
        foreach (var shard in plan.Shards)
        {
            var reservedBytes = AllocatedBytes(Path.Combine(reserved, LocalMergeOutput.StagingFolder, "job", shard.FileName));
            var sparseBytes = AllocatedBytes(Path.Combine(sparse, LocalMergeOutput.StagingFolder, "job", shard.FileName));
            Assert.True(reservedBytes >= shard.FileLength, $"{shard.FileName}: {reservedBytes} bytes allocated of {shard.FileLength}");
            Assert.True(sparseBytes <= shard.Header.Length + 4096, $"{shard.FileName}: {sparseBytes} bytes allocated, header {shard.Header.Length}");
            Assert.True(shard.FileLength > shard.Header.Length + 4096, "a shard longer than its header and a block");
        }

        foreach (var output in new[] { reserved, sparse })
        {
            await harness.RunUnitsAsync(plan, plan.Units, output, "job");
            await harness.PublishAsync(plan, output, "job");
        }

        foreach (var shard in plan.Shards)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(reserved, shard.FileName), Token), await File.ReadAllBytesAsync(Path.Combine(sparse, shard.FileName), Token));
        }
    }

    [Fact]
    public async Task Discard_removes_the_staging_folder_and_publishes_nothing()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = temp.Folder("merged");
        await harness.PrepareAsync(plan, output, "job");
        await harness.RunUnitsAsync(plan, plan.Units.Take(2), output, "job");
        Assert.True(Directory.Exists(Path.Combine(output, ".fusion-staging", "job")));

        await harness.Output(output, "job").DiscardAsync(Token);
        await harness.Output(output, "job").DiscardAsync(Token);

        Assert.Empty(Directory.EnumerateFileSystemEntries(output));
    }

    [Fact]
    public async Task An_existing_result_is_refused_unless_overwriting()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = temp.Folder("merged");
        await harness.Output(output, "empty").CheckAsync(overwrite: false, Token);
        await harness.RunJobAsync(plan, output, "first");

        var error = await Assert.ThrowsAsync<StorageException>(() => harness.Output(output, "second").CheckAsync(overwrite: false, Token));
        Assert.Contains($"{output} already holds a model", error.Message, StringComparison.Ordinal);
        await harness.Output(output, "second").CheckAsync(overwrite: true, Token);
        await harness.RunJobAsync(plan, output, "second", overwrite: true);

        // A folder with just a manifest, or just weights, also counts as a result.
        var manifestOnly = temp.Folder("manifest-only");
        File.WriteAllText(Path.Combine(manifestOnly, MergeManifest.FileName), "{}");
        await Assert.ThrowsAsync<StorageException>(() => harness.Output(manifestOnly, "x").CheckAsync(overwrite: false, Token));
    }

    [Fact]
    public async Task A_published_file_name_from_elsewhere_cannot_escape_the_output()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = temp.Folder("merged");
        await harness.PrepareAsync(plan, output, "job");
        await harness.RunUnitsAsync(plan, plan.Units, output, "job");

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            harness.Output(output, "job").PublishAsync(plan, [new PublishedFile("../escaped.json", [1])], Token));
        Assert.Contains("'../escaped.json' is not a plain file name", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "escaped.json")));
        Assert.False(File.Exists(Path.Combine(output, MergeManifest.FileName)));
    }

    /// <summary>The file's space on the disk (st_blocks, in 512-byte units), as <c>stat</c> reports it.</summary>
    private static long AllocatedBytes(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["--format=%b", path]) { RedirectStandardOutput = true })!;
        var blocks = long.Parse(stat.StandardOutput.ReadToEnd().Trim(), System.Globalization.CultureInfo.InvariantCulture);
        stat.WaitForExit();
        return blocks * 512;
    }
}

using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Core.Tests.Execution;

namespace FusionCluster.Core.Tests.Sweeps;

/// <summary>
/// A data-aware point's dataset is hashed for its cache key on the sweep grain before the merge checks its files, so
/// the key checks it first as the merge would: inside the data roots and a regular file. Before, /dev/zero or a FIFO
/// held the grain forever and a file outside the roots was read.
/// </summary>
public sealed class MergeCacheKeyDatasetTests : IDisposable
{
    private readonly TempDirectory temp = new("fusion-cache-key-dataset-");

    public MergeCacheKeyDatasetTests()
    {
        TinyTokenizerCheckpoint.Write(temp.Combine("data", "model"), 0, ["<unk>", "<s>", "</s>", "a", "b"]);
        Directory.CreateDirectory(temp.Combine("elsewhere"));
    }

    [Fact]
    public async Task A_dataset_that_is_dev_zero_is_refused_promptly_naming_it()
    {
        var error = await Assert.ThrowsAsync<SpecException>(() => Promptly.RunAsync(() => KeyAsync("/dev/zero", LocalRoots.Anywhere)));

        Assert.Equal("model 'model': dataset '/dev/zero' leads to '/dev/zero', a kernel or device file, which is never read", error.Message);
    }

    [Fact]
    public async Task A_dataset_that_is_a_fifo_is_refused_promptly_naming_it()
    {
        var fifo = Fifo.Create(temp.Combine("data", "data.fcds"));

        var error = await Assert.ThrowsAsync<SpecException>(() => Promptly.RunAsync(() => KeyAsync(fifo, LocalRoots.Anywhere)));

        Assert.Equal($"model 'model': dataset '{fifo}' is not a regular file (a device, pipe, socket or folder)", error.Message);
    }

    [Fact]
    public async Task With_data_roots_a_dataset_outside_them_is_refused_naming_it()
    {
        var outside = temp.Combine("elsewhere", "data.fcds");
        await File.WriteAllTextAsync(outside, "data", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SpecException>(() => KeyAsync(outside, new LocalRoots([temp.Combine("data")])));

        Assert.Equal($"model 'model': dataset '{outside}' is outside the configured data roots ({temp.Combine("data")})", error.Message);
    }

    [Fact]
    public async Task An_unreadable_dataset_is_a_spec_error_naming_it_not_an_access_exception()
    {
        var locked = temp.Combine("data", "data.fcds");
        await File.WriteAllTextAsync(locked, "data", TestContext.Current.CancellationToken);
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            Assert.Skip("root reads a file whatever its mode (and Windows has no Unix modes)");
            return;
        }

        File.SetUnixFileMode(locked, UnixFileMode.None);

        // SweepCandidates fails a point on a SpecException; an UnauthorizedAccessException used to fail the whole run.
        var error = await Assert.ThrowsAsync<SpecException>(() => KeyAsync(locked, LocalRoots.Anywhere));

        Assert.StartsWith($"model 'model': dataset '{locked}' cannot be opened", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_data_roots_a_dataset_inside_them_is_hashed()
    {
        var inside = temp.Combine("data", "data.fcds");
        await File.WriteAllTextAsync(inside, "first", TestContext.Current.CancellationToken);
        var roots = new LocalRoots([temp.Combine("data")]);
        var before = await KeyAsync(inside, roots);

        await File.WriteAllTextAsync(inside, "second", TestContext.Current.CancellationToken);

        Assert.NotEqual(before, await KeyAsync(inside, roots));
    }

    public void Dispose() => temp.Dispose();

    private Task<string> KeyAsync(string dataset, LocalRoots roots)
    {
        var text = $"merge_method: regmean\nmodels:\n  - {{model: model, dataset: '{dataset}'}}\n";
        var candidate = new SweepCandidateSpec(new SweepPoint(0, []), text, text, MergeSpecParser.Parse(text));
        return MergeCacheKey.ComputeAsync(candidate, temp.Combine("data"), 1, 1 << 20, new ArtifactStores([new FolderStore()], roots), new Dictionary<string, string>(), TestContext.Current.CancellationToken);
    }
}

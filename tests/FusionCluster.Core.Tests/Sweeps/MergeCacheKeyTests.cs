using FusionCluster.Core.Formats;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Core.Tests.Execution;

namespace FusionCluster.Core.Tests.Sweeps;

public sealed class MergeCacheKeyTests : IDisposable
{
    private readonly TempDirectory temp = new("fusion-cache-key-");
    private readonly ArtifactStores stores = new([new FolderStore()]);

    [Theory]
    [InlineData("config.json")]
    [InlineData("tokenizer_config.json")]
    [InlineData("tokenizer.json")]
    public async Task A_changed_config_or_tokenizer_file_changes_the_fingerprint(string file)
    {
        var folder = TinyTokenizerCheckpoint.Write(temp.Combine("model"), 0, ["<unk>", "<s>", "</s>", "a", "b"]);
        var before = await FingerprintAsync(folder);
        Assert.Equal(before, await FingerprintAsync(folder));

        // Weights untouched; the small file gains a trailing space (still valid JSON, still the same model).
        await File.AppendAllTextAsync(Path.Combine(folder, file), " ", TestContext.Current.CancellationToken);

        Assert.NotEqual(before, await FingerprintAsync(folder));
    }

    [Fact]
    public async Task Weights_rewritten_in_place_with_the_old_size_header_and_modification_time_change_the_fingerprint()
    {
        var folder = TinyTokenizerCheckpoint.Write(temp.Combine("model"), 0, ["<unk>", "<s>", "</s>", "a", "b"]);
        var weights = Path.Combine(folder, CheckpointFolder.SingleFileName);
        var modified = File.GetLastWriteTimeUtc(weights);
        var before = await FingerprintAsync(folder);

        // What cp -p or rsync -t leave: other tensor bytes under the same header, size and modification time. (The
        // kernel stamps times from a clock that ticks every few milliseconds: wait for the next tick.)
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var bytes = await File.ReadAllBytesAsync(weights, TestContext.Current.CancellationToken);
        bytes[^1] ^= 0x80;
        await File.WriteAllBytesAsync(weights, bytes, TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(weights, modified);

        Assert.Equal(modified, File.GetLastWriteTimeUtc(weights));
        Assert.NotEqual(before, await FingerprintAsync(folder));
    }

    [Fact]
    public async Task A_changed_dataset_of_a_data_aware_merge_changes_its_key()
    {
        TinyTokenizerCheckpoint.Write(temp.Combine("model"), 0, ["<unk>", "<s>", "</s>", "a", "b"]);
        var dataset = temp.Combine("data.fcds");
        await File.WriteAllTextAsync(dataset, "first", TestContext.Current.CancellationToken);
        const string text = "merge_method: regmean\nmodels:\n  - {model: model, dataset: data.fcds}\n";
        var candidate = new SweepCandidateSpec(new SweepPoint(0, []), text, text, MergeSpecParser.Parse(text));
        Task<string> KeyAsync() => MergeCacheKey.ComputeAsync(candidate, temp.Path, 1, 1 << 20, stores, new Dictionary<string, string>(), TestContext.Current.CancellationToken);
        var before = await KeyAsync();
        Assert.Equal(before, await KeyAsync());

        // Same path, same spec, same weights: only the data differ, and with them the statistics and the merge.
        await File.WriteAllTextAsync(dataset, "second", TestContext.Current.CancellationToken);

        Assert.NotEqual(before, await KeyAsync());
    }

    public void Dispose() => temp.Dispose();

    private Task<string> FingerprintAsync(string folder) => MergeCacheKey.FingerprintAsync(folder, stores, TestContext.Current.CancellationToken);
}

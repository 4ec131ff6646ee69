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

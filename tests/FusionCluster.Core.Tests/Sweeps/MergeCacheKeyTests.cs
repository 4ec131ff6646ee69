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

    public void Dispose() => temp.Dispose();

    private Task<string> FingerprintAsync(string folder) => MergeCacheKey.FingerprintAsync(folder, stores, TestContext.Current.CancellationToken);
}

using FusionCluster.Evaluation.DataAware;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// What regmean and fisher of llama checkpoints share: statistics units, one per model and decoder block, on worker
/// silos, staged in the statistics cache under a key that holds the method's kind. The same spec must publish the
/// same bytes on one silo and on three, and a second job must find every model's statistics in the cache, except
/// those of a changed text or of the other method.
/// </summary>
public sealed class MergeJobGrainLanguageStatisticsTests(TrainedLanguageModelFolder models) : IClassFixture<TrainedLanguageModelFolder>
{
    /// <summary>One sample count for both methods, so that the other method's job differs only in its kind.</summary>
    private const int Samples = 8;

    [Theory]
    [InlineData("regmean")]
    [InlineData("fisher")]
    public async Task Three_silos_compute_llama_statistics_and_publish_the_same_bytes_as_one_silo(string method)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = TrainedLanguageModelFolder.DatasetSpec(method, Samples, ("lm-1", "text-a.txt"), ("lm-2", "text-b.txt"));
        // Another folder for the three silos, so that they compute the statistics instead of finding the first job's in its cache.
        await OneAndThreeSilos.AssertSameBytesAsync(models.Folder, spec, $"{method}-one/out", $"{method}-three/out", cancellation);
        Assert.Equal(["lm-1: False", "lm-2: False"], models.CachedStatistics($"{method}-three/out"));
    }

    [Theory]
    [InlineData("regmean", "fisher")]
    [InlineData("fisher", "regmean")]
    public async Task A_second_job_reuses_the_llama_statistics_and_a_changed_text_or_the_other_method_computes_them_again(string method, string other)
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        // Each case its own copy of a text and its own cache folder, so that neither finds the other's statistics.
        var text = $"text-{method}.txt";
        File.Copy(models.PathOf("text-b.txt"), models.PathOf(text), overwrite: true);
        var spec = TrainedLanguageModelFolder.DatasetSpec(method, Samples, ("lm-1", "text-a.txt"), ("lm-2", text));
        var cache = $"{method}-cache";

        var first = await models.RunJobAsync(cluster, spec, $"{cache}/first", cancellation);
        var second = await models.RunJobAsync(cluster, spec, $"{cache}/second", cancellation);
        var otherMethod = await models.RunJobAsync(cluster, TrainedLanguageModelFolder.DatasetSpec(other, Samples, ("lm-1", "text-a.txt"), ("lm-2", text)), $"{cache}/other", cancellation);
        // One word more at the start shifts every window of lm-2's text: only lm-2's statistics are computed again.
        File.WriteAllText(models.PathOf(text), "Changed: " + File.ReadAllText(models.PathOf(text)));
        var changed = await models.RunJobAsync(cluster, spec, $"{cache}/changed", cancellation);

        Assert.All(new[] { first, second, otherMethod, changed }, s => Assert.True(s.State == JobState.Succeeded, s.Error));
        Assert.Equal(["lm-1: False", "lm-2: False"], models.CachedStatistics($"{cache}/first"));
        Assert.Equal(["lm-1: True", "lm-2: True"], models.CachedStatistics($"{cache}/second"));
        // The cache key holds the kind: the same models, text and samples have no statistics of the other kind yet.
        Assert.Equal(["lm-1: False", "lm-2: False"], models.CachedStatistics($"{cache}/other"));
        Assert.Equal(["lm-1: True", "lm-2: False"], models.CachedStatistics($"{cache}/changed"));
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf($"{cache}/first")), AlignedClassifiers.ModelFiles(models.PathOf($"{cache}/second")));
        Assert.NotEqual(AlignedClassifiers.ModelFiles(models.PathOf($"{cache}/first")), AlignedClassifiers.ModelFiles(models.PathOf($"{cache}/changed")));
        // One file per model and block (2 × 2) for each kind, and lm-2's 2 blocks again for the changed text.
        Assert.Equal(4 + 4 + 2, Directory.GetFiles(models.PathOf($"{cache}/{StatisticsCache.FolderName}"), "*.safetensors").Length);
    }
}

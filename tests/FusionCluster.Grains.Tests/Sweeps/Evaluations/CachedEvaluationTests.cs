using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps.Evaluations;
using FusionCluster.TestSupport;

namespace FusionCluster.Grains.Tests.Sweeps.Evaluations;

/// <summary>
/// Evaluations through the file cache of one machine, on real files: the key is the model's content and the
/// evaluator's definition, so a new cache over the same folder (a restart) hits, an identical model in another
/// folder hits, and a changed dataset misses.
/// </summary>
public sealed class CachedEvaluationTests : IDisposable
{
    private readonly TempDirectory temp = new("fusion-eval-cache-");
    private int evaluations;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_result_is_reused_after_a_restart_and_for_the_same_model_content_in_another_folder()
    {
        var request = Request(Model("merge-a", weights: [1, 2, 3], report: "took 5 s"));

        var first = await CachedEvaluation.RunAsync(request, new FileEvaluationCache(temp.Combine("cache")), LocalRoots.Anywhere, Evaluate);
        var afterRestart = await CachedEvaluation.RunAsync(request, new FileEvaluationCache(temp.Combine("cache")), LocalRoots.Anywhere, Evaluate);
        var sameContent = await CachedEvaluation.RunAsync(
            request with { ModelFolder = Model("merge-b", weights: [1, 2, 3], report: "took 17 s") }, new FileEvaluationCache(temp.Combine("cache")), LocalRoots.Anywhere, Evaluate);

        Assert.False(first.Cached);
        Assert.True(afterRestart.Cached);
        Assert.True(sameContent.Cached);
        Assert.Equal(1, evaluations);
        Assert.Equal(0.5, afterRestart.Metrics["accuracy"]);
    }

    [Fact]
    public async Task A_fifo_planted_as_an_entry_is_a_miss_at_once_and_the_new_result_replaces_it()
    {
        var folder = temp.Combine("cache");
        var request = Request(Model("merge", weights: [1, 2, 3], report: ""));
        Directory.CreateDirectory(folder);
        Fifo.Create(Path.Combine(folder, EvaluationCacheKey.For(request, LocalRoots.Anywhere) + ".json"));
        var failures = new List<Exception>();

        // Before, reading the entry waited for a writer that never came, holding the silo's evaluation slot.
        var outcome = await CachedEvaluation.RunAsync(request, new FileEvaluationCache(folder), LocalRoots.Anywhere, Evaluate, failures.Add)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var again = await CachedEvaluation.RunAsync(request, new FileEvaluationCache(folder), LocalRoots.Anywhere, Evaluate);

        Assert.False(outcome.Cached);
        Assert.Contains("evaluation cache entry", Assert.Single(failures).Message, StringComparison.Ordinal);
        Assert.True(again.Cached);
        Assert.Equal(1, evaluations);
    }

    [Fact]
    public async Task A_changed_dataset_or_model_or_split_misses_and_a_command_is_never_cached()
    {
        var cache = new FileEvaluationCache(temp.Combine("cache"));
        var request = Request(Model("merge", weights: [1, 2, 3], report: ""));
        await CachedEvaluation.RunAsync(request, cache, LocalRoots.Anywhere, Evaluate);

        File.WriteAllBytes(request.Dataset!, [9, 9, 9, 8]);
        var changedDataset = await CachedEvaluation.RunAsync(request, cache, LocalRoots.Anywhere, Evaluate);
        var changedSplit = await CachedEvaluation.RunAsync(request with { Split = "train" }, cache, LocalRoots.Anywhere, Evaluate);
        var changedModel = await CachedEvaluation.RunAsync(request with { ModelFolder = Model("other", weights: [1, 2, 4], report: "") }, cache, LocalRoots.Anywhere, Evaluate);
        var command = request with { Dataset = null, Command = "echo {model}" };
        await CachedEvaluation.RunAsync(command, cache, LocalRoots.Anywhere, Evaluate);
        var commandAgain = await CachedEvaluation.RunAsync(command, cache, LocalRoots.Anywhere, Evaluate);

        Assert.False(changedDataset.Cached);
        Assert.False(changedSplit.Cached);
        Assert.False(changedModel.Cached);
        Assert.False(commandAgain.Cached);
        Assert.Equal(6, evaluations);
    }

    [Fact]
    public async Task An_ensemble_is_keyed_by_its_members_content_and_rule_not_by_its_manifest()
    {
        var cache = new FileEvaluationCache(temp.Combine("cache"));
        var first = Model("member-a", weights: [1, 2, 3], report: "");
        var second = Model("member-b", weights: [4, 5, 6], report: "");
        var ensemble = Ensemble("ensemble", [first, second], [1, 1], EnsembleRule.MeanProbs);
        var request = Request(ensemble);
        await CachedEvaluation.RunAsync(request, cache, LocalRoots.Anywhere, Evaluate);

        // Same members, same content and weights in proportion, written elsewhere: the same ensemble.
        var copy = Ensemble("ensemble-copy", [first, second], [2, 2], EnsembleRule.MeanProbs);
        var sameContent = await CachedEvaluation.RunAsync(request with { ModelFolder = copy }, cache, LocalRoots.Anywhere, Evaluate);
        var otherRule = await CachedEvaluation.RunAsync(request with { ModelFolder = Ensemble("by-logits", [first, second], [1, 1], EnsembleRule.MeanLogits) }, cache, LocalRoots.Anywhere, Evaluate);
        var otherWeights = await CachedEvaluation.RunAsync(request with { ModelFolder = Ensemble("weighted", [first, second], [3, 1], EnsembleRule.MeanProbs) }, cache, LocalRoots.Anywhere, Evaluate);

        // A member retrained in place: ensemble.json is byte for byte what it was, the ensemble is not.
        var manifest = File.ReadAllBytes(Path.Combine(ensemble, EnsembleManifest.FileName));
        File.WriteAllBytes(Path.Combine(second, "model.safetensors"), [4, 5, 7]);
        var changedMember = await CachedEvaluation.RunAsync(request, cache, LocalRoots.Anywhere, Evaluate);

        Assert.Equal(manifest, File.ReadAllBytes(Path.Combine(ensemble, EnsembleManifest.FileName)));
        Assert.True(sameContent.Cached);
        Assert.False(otherRule.Cached);
        Assert.False(otherWeights.Cached);
        Assert.False(changedMember.Cached);
        Assert.Equal(4, evaluations);
    }

    [Fact]
    public async Task A_cache_that_cannot_store_leaves_the_metrics_standing_and_says_why()
    {
        // A file where the cache's folder would be: no one, root included, can store an entry under it.
        var blocked = temp.Combine("not-a-folder");
        await File.WriteAllTextAsync(blocked, "in the way", TestContext.Current.CancellationToken);
        var reasons = new List<Exception>();

        var outcome = await CachedEvaluation.RunAsync(Request(Model("merge-c", weights: [4, 5], report: "r")), new FileEvaluationCache(blocked), LocalRoots.Anywhere, Evaluate, reasons.Add);

        Assert.Null(outcome.Error);
        Assert.False(outcome.Cached);
        Assert.Equal(0.5, outcome.Metrics["accuracy"]);
        var reason = Assert.IsType<StorageException>(Assert.Single(reasons));
        Assert.Contains($"cannot store an evaluation in the cache {blocked}/", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cache_that_cannot_be_read_counts_as_a_miss_and_says_why()
    {
        var reasons = new List<Exception>();

        var outcome = await CachedEvaluation.RunAsync(Request(Model("merge-d", weights: [6], report: "r")), new UnreachableCache(), LocalRoots.Anywhere, Evaluate, reasons.Add);

        Assert.Null(outcome.Error);
        Assert.False(outcome.Cached);
        Assert.Equal(1, evaluations);
        Assert.Equal(2, reasons.Count); // the lookup, then the store
        Assert.All(reasons, r => Assert.Equal("the cache's server is gone", r.Message));
    }

    [Fact]
    public async Task A_failed_evaluation_is_not_stored()
    {
        var cache = new FileEvaluationCache(temp.Combine("cache"));
        var request = Request(Model("merge", weights: [1], report: ""));

        await CachedEvaluation.RunAsync(request, cache, LocalRoots.Anywhere, () => Task.FromResult(new EvaluationOutcome { Error = "boom" }));
        var second = await CachedEvaluation.RunAsync(request, cache, LocalRoots.Anywhere, Evaluate);

        Assert.False(second.Cached);
        Assert.Equal(1, evaluations);
    }

    [Fact]
    public async Task Metrics_that_are_not_finite_are_stored_and_read_back_as_the_same_values()
    {
        // task_cosine of a merge equal to its base is NaN; a perplexity can overflow to infinity.
        var metrics = new Dictionary<string, double> { ["task_cosine/ft-1"] = double.NaN, ["perplexity"] = double.PositiveInfinity, ["log"] = double.NegativeInfinity, ["cosine/ft-1"] = 0.1 + 0.2 };
        var request = Request(Model("merge", weights: [1], report: ""));

        var first = await CachedEvaluation.RunAsync(request, new FileEvaluationCache(temp.Combine("cache")), LocalRoots.Anywhere, () => Task.FromResult(new EvaluationOutcome { Metrics = metrics }));
        var second = await CachedEvaluation.RunAsync(request, new FileEvaluationCache(temp.Combine("cache")), LocalRoots.Anywhere, Evaluate);

        Assert.Null(first.Error);
        Assert.True(second.Cached);
        Assert.Equal(0, evaluations);
        Assert.Equal(metrics.Keys.Order(StringComparer.Ordinal), second.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.All(metrics, m => Assert.Equal(BitConverter.DoubleToInt64Bits(m.Value), BitConverter.DoubleToInt64Bits(second.Metrics[m.Key])));
    }

    private Task<EvaluationOutcome> Evaluate()
    {
        evaluations++;
        return Task.FromResult(new EvaluationOutcome { Metrics = new Dictionary<string, double> { ["accuracy"] = 0.5 } });
    }

    private EvaluationRequest Request(string model)
    {
        var dataset = temp.Combine("data.bin");
        if (!File.Exists(dataset))
        {
            File.WriteAllBytes(dataset, [1, 2, 3, 4]);
        }

        return new EvaluationRequest { ModelFolder = model, Dataset = dataset, Split = "held-out" };
    }

    private string Ensemble(string name, string[] members, double[] weights, EnsembleRule rule)
    {
        var ensemble = EnsembleManifest.Create(temp.Combine(name), members, weights, rule);
        ensemble.Write();
        return ensemble.Folder;
    }

    private string Model(string name, byte[] weights, string report)
    {
        var folder = temp.Combine(name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), weights);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        File.WriteAllText(Path.Combine(folder, "fusion-report.json"), report);
        // As publishing writes it: every file with its size, so a report of another length makes another manifest.
        File.WriteAllBytes(
            Path.Combine(folder, MergeManifest.FileName),
            MergeManifest.Build(Directory.EnumerateFiles(folder).Select(f => (Path.GetFileName(f), new FileInfo(f).Length))));
        return folder;
    }

    /// <summary>A cache whose server went away: every call fails as a real one's wrapper reports it (a logic test's stand-in).</summary>
    private sealed class UnreachableCache : IEvaluationCache
    {
        public Task<IReadOnlyDictionary<string, double>?> GetAsync(string key) => throw new StorageException("the cache's server is gone");

        public Task PutAsync(string key, IReadOnlyDictionary<string, double> metrics) => throw new StorageException("the cache's server is gone");
    }
}

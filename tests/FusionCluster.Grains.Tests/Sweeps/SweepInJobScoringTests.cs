using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Tests.Jobs;
using FusionCluster.Storage.Local;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// <c>outputs: {publish: best, keep: K}</c>: every point is scored inside one shared-input job, which writes and
/// publishes only the best; the rest of the best K are merged again and published. The in-job metrics must be the bits
/// the tensors evaluator gives on the written outputs, and the published bytes those of merging alone, whatever the
/// number of silos.
/// </summary>
public sealed class SweepInJobScoringTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fusion-sweep-scoring-").FullName;

    public SweepInJobScoringTests()
    {
        // bf16 inputs and outputs: the in-job values must be the output dtype's, rounded as written.
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 172, Layers: 2, Vocab: 256, Heads: 4);
        SyntheticCheckpoint.Write(Path.Combine(folder, "base"), shape, DType.BF16, baseSeed: 5, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(folder, "ft-1"), shape, DType.BF16, baseSeed: 5, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(folder, "ft-2"), shape, DType.BF16, baseSeed: 5, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Only_the_best_K_are_published_and_every_points_in_job_metrics_are_the_bits_of_evaluating_its_output()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var one = await RunAsync(silos: 1, Sweep("best-1", "outputs: {publish: best, keep: 2}"), cancellation);
        var three = await RunAsync(silos: 3, Sweep("best-3", "outputs: {publish: best, keep: 2}"), cancellation);
        var all = await RunAsync(silos: 1, Sweep("all", ""), cancellation);

        Assert.Equal(SweepRunState.Succeeded, one.Summary.State);
        Assert.Equal(5, one.Candidates.Count(c => c.State == CandidateState.Done));

        // Only the two best were written, each under its key; the other three left nothing under merges/.
        var published = one.Leaderboard.Take(2).ToHashSet();
        Assert.Equal(published, one.Candidates.Where(c => !c.Unpublished).Select(c => c.Index).ToHashSet());

        // The first was published by the job that scored it, written while scoring; the second merged again.
        Assert.EndsWith("-scored", one.Candidates[one.Leaderboard[0]].JobId, StringComparison.Ordinal);
        Assert.EndsWith("-best", one.Candidates[one.Leaderboard[1]].JobId, StringComparison.Ordinal);
        var written = Directory.GetDirectories(Path.Combine(folder, "best-1", "merges")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(published.Select(i => one.Candidates[i].CacheKey).Order(StringComparer.Ordinal), written);

        // The published outputs, evaluated separately by the tensors evaluator: the in-job metrics bit for bit.
        var evaluator = new TensorMetricsEvaluator(
            [new ReferenceModel("ft-1", Path.Combine(folder, "ft-1")), new ReferenceModel("ft-2", Path.Combine(folder, "ft-2"))], Path.Combine(folder, "base"));
        foreach (var index in published)
        {
            var candidate = one.Candidates[index];
            Assert.True(Directory.GetFiles(candidate.MergeOutput, "*.safetensors").Length > 1, "the outputs span several shards, so the order of combining them counts");
            AssertSameBits(evaluator.Evaluate(candidate.MergeOutput, cancellation), candidate.Metrics);
        }

        // Every point, the unpublished too, against the same sweep publishing all and evaluating each written output.
        Assert.All(all.Candidates, c => Assert.False(c.Unpublished));
        for (var i = 0; i < all.Candidates.Count; i++)
        {
            Assert.Equal(all.Candidates[i].CacheKey, one.Candidates[i].CacheKey);
            AssertSameBits(all.Candidates[i].Metrics, one.Candidates[i].Metrics);
        }

        Assert.Equal(all.Leaderboard, one.Leaderboard);

        // 1 and 3 silos: the same leaderboard, metrics and published points.
        Assert.Equal(one.Leaderboard, three.Leaderboard);
        for (var i = 0; i < one.Candidates.Count; i++)
        {
            AssertSameBits(one.Candidates[i].Metrics, three.Candidates[i].Metrics);
            Assert.Equal(one.Candidates[i].Unpublished, three.Candidates[i].Unpublished);
        }

        // best/ holds the first of the leaderboard, as written by its publishing merge.
        var best = one.Candidates[one.Leaderboard[0]];
        foreach (var shard in Directory.GetFiles(best.MergeOutput, "*.safetensors"))
        {
            Assert.Equal(await File.ReadAllBytesAsync(shard, cancellation), await File.ReadAllBytesAsync(Path.Combine(folder, "best-1", "best", Path.GetFileName(shard)), cancellation));
        }
    }

    [Theory]
    [InlineData("task_arithmetic", "", "l2_distance/base")]
    [InlineData("ties", ", density: 0.6", "l2_distance/base")]
    [InlineData("task_arithmetic", "", "cosine/ft-1")]
    public async Task With_keep_1_the_scoring_job_publishes_the_best_itself_with_the_bytes_of_merging_it_alone(string method, string parameters, string metric)
    {
        // task_arithmetic's points are scored together chunk by chunk, ties' one by one in memory: both write the leader.
        // The distance from the base grows with the weight in every layer, so the leader is the best from the first unit
        // on, and every later unit's bytes of the best are the ones its scoring unit wrote; by cosine the lead may change.
        var cancellation = TestContext.Current.CancellationToken;
        var objective = $"{{metric: {metric}, direction: maximize}}";
        var name = $"{method}-{metric.Replace('/', '-')}";
        var one = await RunAsync(silos: 1, Sweep($"keep1-{name}", "outputs: {publish: best, keep: 1}", method, parameters, objective), cancellation);
        var three = await RunAsync(silos: 3, Sweep($"keep1-{name}-3", "outputs: {publish: best, keep: 1}", method, parameters, objective), cancellation);
        var all = await RunAsync(silos: 1, Sweep($"all-{name}", "", method, parameters, objective), cancellation);

        foreach (var (run, output) in new[] { (one, $"keep1-{name}"), (three, $"keep1-{name}-3") })
        {
            Assert.Equal(SweepRunState.Succeeded, run.Summary.State);
            Assert.Equal(all.Leaderboard, run.Leaderboard);
            var best = run.Candidates[run.Leaderboard[0]];

            // Published by the job that scored it: no second merge, and no other candidate left anything behind.
            Assert.Equal([best.Index], run.Candidates.Where(c => !c.Unpublished).Select(c => c.Index));
            Assert.All(run.Candidates, c => Assert.EndsWith("-scored", c.JobId, StringComparison.Ordinal));
            Assert.Equal([best.CacheKey], Directory.GetDirectories(Path.Combine(folder, output, "merges")).Select(Path.GetFileName));
            Assert.Empty(Directory.GetDirectories(Path.Combine(folder, output), LocalMergeOutput.StagingFolder, SearchOption.AllDirectories));

            // Its shards are the bytes the same point merged and published alone has, and its metrics the bits of evaluating them.
            var alone = all.Candidates[best.Index];
            Assert.Equal(alone.CacheKey, best.CacheKey);
            var shards = Directory.GetFiles(alone.MergeOutput, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.True(shards.Count > 1, "several shards");
            Assert.Equal(shards, Directory.GetFiles(best.MergeOutput, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var shard in shards)
            {
                Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(alone.MergeOutput, shard!), cancellation), await File.ReadAllBytesAsync(Path.Combine(best.MergeOutput, shard!), cancellation));
            }

            AssertSameBits(alone.Metrics, best.Metrics);
        }
    }

    [Fact]
    public async Task When_the_points_take_several_scoring_jobs_none_publishes_and_the_best_is_merged_again()
    {
        // max_concurrent 2 of 5 points: three scoring jobs, none of which holds every point, so none may publish its own
        // best (it may not be the run's); the run's best is merged again once all are scored, as one more job.
        var cancellation = TestContext.Current.CancellationToken;
        var run = await RunAsync(silos: 1, Sweep("several-jobs", "outputs: {publish: best, keep: 1}", maxConcurrent: 2), cancellation);
        var all = await RunAsync(silos: 1, Sweep("several-jobs-all", ""), cancellation);

        Assert.Equal(SweepRunState.Succeeded, run.Summary.State);
        Assert.Equal(all.Leaderboard, run.Leaderboard);
        var best = run.Candidates[run.Leaderboard[0]];
        Assert.Equal([best.Index], run.Candidates.Where(c => !c.Unpublished).Select(c => c.Index));
        Assert.EndsWith("-best", best.JobId, StringComparison.Ordinal);
        var scored = run.Candidates.Where(c => c.Unpublished).ToList();
        Assert.All(scored, c => Assert.EndsWith("-scored", c.JobId, StringComparison.Ordinal));
        Assert.True(scored.Select(c => c.JobId).Distinct().Count() >= 2, "the points were scored in several jobs");
        Assert.Equal([best.CacheKey], Directory.GetDirectories(Path.Combine(folder, "several-jobs", "merges")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(Path.Combine(folder, "several-jobs"), LocalMergeOutput.StagingFolder, SearchOption.AllDirectories));
        var alone = all.Candidates[best.Index];
        foreach (var shard in Directory.GetFiles(alone.MergeOutput, "*.safetensors"))
        {
            Assert.Equal(await File.ReadAllBytesAsync(shard, cancellation), await File.ReadAllBytesAsync(Path.Combine(best.MergeOutput, Path.GetFileName(shard)), cancellation));
        }
    }

    [Fact]
    public async Task On_a_blob_prefix_only_the_best_K_are_written_and_they_are_the_bytes_of_the_same_sweep_on_a_folder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var azurite = await AzuriteProcess.StartAsync(inMemory: true, cancellationToken: cancellation);
        var container = azurite.CreateServiceClient().GetBlobContainerClient("sweeps");
        var blob = await RunAsync(
            silos: 1,
            Sweep("az://sweeps/nightly", "outputs: {publish: best, keep: 2}"),
            cancellation,
            s => s.AddFusionStorage(azurite),
            async () => (await container.GetBlobClient($"nightly/runs/{SweepOutputLayout.RunFileName(1)}").ExistsAsync(cancellation)).Value);
        var folderRun = await RunAsync(silos: 1, Sweep("best-folder", "outputs: {publish: best, keep: 2}"), cancellation);

        Assert.Equal(SweepRunState.Succeeded, blob.Summary.State);
        Assert.Null(blob.Summary.Error);
        Assert.Equal(5, blob.Candidates.Count(c => c.State == CandidateState.Done));
        Assert.Equal(folderRun.Leaderboard, blob.Leaderboard);
        Assert.Equal(folderRun.Candidates.Select(c => (c.CacheKey, c.Unpublished)), blob.Candidates.Select(c => (c.CacheKey, c.Unpublished)));
        var published = blob.Candidates.Where(c => !c.Unpublished).ToList();
        Assert.Equal(blob.Leaderboard.Take(2).Order(), published.Select(c => c.Index).Order());

        var blobs = new List<string>();
        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellation))
        {
            blobs.Add(item.Name);
        }

        // Only the two best have blobs under merges/, and each of their files is the folder sweep's file byte for byte.
        var mergeBlobs = blobs.Where(b => b.StartsWith("nightly/merges/", StringComparison.Ordinal)).ToList();
        Assert.Equal(published.Select(c => c.CacheKey).Order(StringComparer.Ordinal), mergeBlobs.Select(b => b.Split('/')[2]).Distinct().Order(StringComparer.Ordinal));
        foreach (var candidate in published)
        {
            Assert.Equal($"az://sweeps/nightly/merges/{candidate.CacheKey}", candidate.MergeOutput);
            var folderMerge = Path.Combine(folder, "best-folder", "merges", candidate.CacheKey);
            var folderFiles = Directory.GetFiles(folderMerge).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            var prefix = $"nightly/merges/{candidate.CacheKey}/";
            Assert.Equal(folderFiles, mergeBlobs.Where(b => b.StartsWith(prefix, StringComparison.Ordinal)).Select(b => b[prefix.Length..]).Order(StringComparer.Ordinal));
            Assert.True(folderFiles.Count(f => f!.EndsWith(".safetensors", StringComparison.Ordinal)) > 1, "several shards");
            foreach (var file in folderFiles.Where(f => f!.EndsWith(".safetensors", StringComparison.Ordinal)))
            {
                var written = (await container.GetBlobClient(prefix + file).DownloadContentAsync(cancellation)).Value.Content.ToArray();
                Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folderMerge, file!), cancellation), written);
            }
        }

        // best/ holds the winner's shards.
        var winner = blob.Candidates[blob.Leaderboard[0]];
        foreach (var shard in Directory.GetFiles(Path.Combine(folder, "best-folder", "merges", winner.CacheKey), "*.safetensors"))
        {
            var promoted = (await container.GetBlobClient($"nightly/best/{Path.GetFileName(shard)}").DownloadContentAsync(cancellation)).Value.Content.ToArray();
            Assert.Equal(await File.ReadAllBytesAsync(shard, cancellation), promoted);
        }
    }

    [Fact]
    public async Task A_run_steps_on_as_its_jobs_and_evaluations_end_without_waiting_for_the_pump()
    {
        // The pump checks once, at the start; within the test it never checks again, so only the ends of the run's merge
        // jobs and evaluations can move it from step to step (scoring, the best's merge, evaluating each output, finishing).
        var cancellation = TestContext.Current.CancellationToken;
        var statusCalls = new JobStatusCallCounter();
        var scored = await RunAsync(
            silos: 1,
            Sweep("steps-scored", "outputs: {publish: best, keep: 2}"),
            cancellation,
            services: s => s.AddSingleton<IIncomingGrainCallFilter>(statusCalls),
            pumpInterval: TimeSpan.FromHours(1));
        var evaluated = await RunAsync(silos: 1, Sweep("steps-evaluated", ""), cancellation, pumpInterval: TimeSpan.FromHours(1));

        Assert.Equal(SweepRunState.Succeeded, scored.Summary.State);
        Assert.All(scored.Candidates, c => Assert.Equal(CandidateState.Done, c.State));
        Assert.Equal(scored.Leaderboard.Take(2).Order(), scored.Candidates.Where(c => !c.Unpublished).Select(c => c.Index).Order());
        // The step after the scoring job ends asks it how it went once for all five of its points, not once for each.
        var scoringJob = scored.Candidates.Select(c => c.JobId).First(j => j.EndsWith("-scored", StringComparison.Ordinal));
        Assert.InRange(statusCalls.CallsTo(scoringJob), 1, scored.Candidates.Count - 1);
        Assert.Equal(SweepRunState.Succeeded, evaluated.Summary.State);
        Assert.All(evaluated.Candidates, c => Assert.Equal((CandidateState.Done, false), (c.State, c.Unpublished)));
    }

    [Fact]
    public async Task A_run_on_a_restarted_cluster_takes_every_score_from_the_cache_and_a_changed_reference_scores_them_again()
    {
        // "ref" is compared with but not merged: changing it changes no merge's key, only what the scores measure.
        var cancellation = TestContext.Current.CancellationToken;
        var reference = Path.Combine(folder, "ref");
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 172, Layers: 2, Vocab: 256, Heads: 4);
        SyntheticCheckpoint.Write(reference, shape, DType.BF16, baseSeed: 5, variant: 3, cancellationToken: TestContext.Current.CancellationToken);
        var spec = Sweep("cached", "outputs: {publish: best, keep: 1}", evaluator: "tensors: {compare: [ft-1, ref], base: base}");
        var record = Path.Combine(folder, "cached", "runs", SweepOutputLayout.RunFileName(1));

        var first = await RunAsync(silos: 1, spec, cancellation);
        // Every run below is run 1 of a new cluster: nothing of the one before is in memory, only the sweep's output folder.
        File.Delete(record);
        var second = await RunAsync(silos: 1, spec, cancellation);

        Assert.Equal(SweepRunState.Succeeded, second.Summary.State);
        Assert.All(first.Candidates, c => Assert.False(c.EvaluationCached));
        Assert.All(second.Candidates, c => Assert.Equal((CandidateState.Done, true, ""), (c.State, c.EvaluationCached, c.JobId)));
        for (var i = 0; i < first.Candidates.Count; i++)
        {
            AssertSameBits(first.Candidates[i].Metrics, second.Candidates[i].Metrics);
        }

        // The best is still the one published (its merge reused), and nothing else was written.
        Assert.Equal(first.Leaderboard, second.Leaderboard);
        var best = second.Candidates[second.Leaderboard[0]];
        Assert.Equal([best.Index], second.Candidates.Where(c => !c.Unpublished).Select(c => c.Index));
        Assert.Equal([best.CacheKey], Directory.GetDirectories(Path.Combine(folder, "cached", "merges")).Select(Path.GetFileName));

        // The same merges against another reference: no score may come from the cache.
        SyntheticCheckpoint.Write(reference, shape, DType.BF16, baseSeed: 5, variant: 4, cancellationToken: TestContext.Current.CancellationToken);
        File.Delete(record);
        var third = await RunAsync(silos: 1, spec, cancellation);
        Assert.Equal(SweepRunState.Succeeded, third.Summary.State);
        Assert.Equal(first.Candidates.Select(c => c.CacheKey), third.Candidates.Select(c => c.CacheKey));
        Assert.All(third.Candidates, c => Assert.False(c.EvaluationCached));
        Assert.All(third.Candidates.Where(c => c.Unpublished), c => Assert.EndsWith("-scored", c.JobId, StringComparison.Ordinal));
        for (var i = 0; i < first.Candidates.Count; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(first.Candidates[i].Metrics["cosine/ft-1"]), BitConverter.DoubleToInt64Bits(third.Candidates[i].Metrics["cosine/ft-1"]));
            Assert.NotEqual(first.Candidates[i].Metrics["cosine/ref"], third.Candidates[i].Metrics["cosine/ref"]);
        }
    }

    [Theory]
    [InlineData("outputs: {publish: best, keep: 1}")]
    [InlineData("")]
    public async Task A_point_equal_to_the_base_has_no_task_cosine_and_its_run_is_recorded_and_cached_all_the_same(string outputs)
    {
        // Weight 0 merges the base itself: its task vector is zero, so task_cosine is NaN (undefined), which JSON has no
        // number for. The run must still succeed, write its record, and cache the point for the next run.
        var cancellation = TestContext.Current.CancellationToken;
        var output = outputs.Length > 0 ? "nan-scored" : "nan-evaluated";
        var spec = Sweep(output, outputs, weights: "[0, 0.5]");
        var record = Path.Combine(folder, output, "runs", SweepOutputLayout.RunFileName(1));

        var first = await RunAsync(silos: 1, spec, cancellation);
        Assert.Equal(SweepRunState.Succeeded, first.Summary.State);
        Assert.Null(first.Summary.Error);
        Assert.All(first.Candidates, c => Assert.Equal(CandidateState.Done, c.State));
        Assert.True(double.IsNaN(first.Candidates[0].Metrics["task_cosine/ft-1"]));
        Assert.False(double.IsNaN(first.Candidates[1].Metrics["task_cosine/ft-1"]));
        Assert.Contains("\"NaN\"", await File.ReadAllTextAsync(record, cancellation), StringComparison.Ordinal);

        File.Delete(record);
        var second = await RunAsync(silos: 1, spec, cancellation);
        Assert.All(second.Candidates, c => Assert.True(c.EvaluationCached, $"candidate {c.Index} was evaluated again"));
        for (var i = 0; i < first.Candidates.Count; i++)
        {
            AssertSameBits(first.Candidates[i].Metrics, second.Candidates[i].Metrics);
        }
    }

    private static void AssertSameBits(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.Equal(BitConverter.DoubleToInt64Bits(e.Value), BitConverter.DoubleToInt64Bits(actual[e.Key])));
    }

    private static string Sweep(
        string output,
        string outputs,
        string method = "task_arithmetic",
        string parameters = "",
        string objective = "{metric: cosine/ft-1, direction: maximize}",
        int maxConcurrent = 5,
        string evaluator = "tensors: {compare: [ft-1, ft-2], base: base}",
        string weights = "[0.2, 0.4, 0.6, 0.9, 1.3]") => $$$"""
        template:
          merge_method: {{{method}}}
          base_model: base
          models:
            - {model: ft-1, parameters: {weight: 0.5{{{parameters}}}}}
            - {model: ft-2, parameters: {weight: 0.5{{{parameters}}}}}
          dtype: bfloat16
        space:
          grid:
            models[*].parameters.weight: {{{weights}}}
        max_concurrent: {{{maxConcurrent}}}
        evaluator:
          {{{evaluator}}}
        objective: {{{objective}}}
        promote: {best: true, keep_runs: 2}
        out: {{{output}}}
        {{{outputs}}}
        """;

    private static string SweepOutputName(string spec) => spec.Split('\n').Single(l => l.StartsWith("out: ", StringComparison.Ordinal))["out: ".Length..].Trim();

    /// <param name="recordWritten">Whether the run's record is written; by default, the file under the folder <c>out:</c>.</param>
    /// <param name="pumpInterval">How often the sweep checks its run (100 ms by default).</param>
    private async Task<SweepRunDetail> RunAsync(
        short silos,
        string spec,
        CancellationToken cancellation,
        Action<IServiceCollection>? services = null,
        Func<Task<bool>>? recordWritten = null,
        TimeSpan? pumpInterval = null)
    {
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: silos, services: s =>
        {
            services?.Invoke(s);
            s.Configure<SweepOptions>(o =>
            {
                o.PumpInterval = pumpInterval ?? TimeSpan.FromMilliseconds(100);
                o.ShardSizeBytes = 60_000;
            });
        });
        var sweep = cluster.Client.GetGrain<ISweepGrain>("scored");
        Assert.Null((await sweep.Create(new SweepDefinition { SpecText = spec, SpecName = "sweep.yaml", SpecDirectory = folder })).Error);
        await sweep.Run();
        // The run ends in the grain before its record and best/ are written: wait for the record too.
        var record = Path.Combine(folder, SweepOutputName(spec), "runs", SweepOutputLayout.RunFileName(1));
        recordWritten ??= () => Task.FromResult(File.Exists(record));
        await SweepTestSettings.EventuallyAsync(async () => (await sweep.GetStatus()).Runs is [{ FinishedAt: not null }] && await recordWritten(), done => done, cancellation);
        return (await sweep.GetRun(1))!;
    }
}

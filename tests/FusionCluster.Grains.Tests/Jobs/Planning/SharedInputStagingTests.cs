using System.Globalization;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Tests.Jobs;

namespace FusionCluster.Grains.Tests.Jobs.Planning;

/// <summary>
/// A shared-input job stages its candidates at once; each claims its output in the request's order first, so an output
/// two candidates name fails the later one, and a candidate that cannot be planned fails alone.
/// </summary>
public sealed class SharedInputStagingTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fusion-staging-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static string Spec(string model, double weight) => string.Create(
        CultureInfo.InvariantCulture,
        $"merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: {model}\n    parameters: {{weight: {weight}}}\n  - model: ft-2\n    parameters: {{weight: 0.5}}\ndtype: bfloat16\n");

    [Fact]
    public async Task Candidates_stage_together_and_a_shared_output_or_a_missing_model_fails_only_its_candidate()
    {
        var cancellation = TestContext.Current.CancellationToken;
        TinyTaskModels.Write(root, seed: 4, cancellation);

        // Twelve candidates: the fourth names the second's output, the seventh a model that is not there.
        var candidates = Enumerable.Range(0, 12).Select(i => new CandidateSpec(
            $"c{i}",
            Spec(i == 6 ? "ft-9" : "ft-1", 0.1 * (i + 1)),
            root,
            Path.Combine(root, "out", i == 3 ? "c1" : $"c{i}"))).ToList();
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var job = cluster.Client.GetGrain<IMergeJobGrain>("job-staging");

        await job.Start(new MergeRequest { SpecText = "", SpecDirectory = root, Output = Path.Combine(root, "out"), Candidates = candidates });
        var status = await job.WhenFinished(TimeSpan.FromMinutes(2));

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var failed = status.Candidates.Where(c => c.State != JobState.Succeeded).ToList();
        Assert.Equal(["c3", "c6"], failed.Select(c => c.Name));
        Assert.Equal($"c3: its output {Path.Combine(root, "out", "c1")} is another candidate's output too", failed[0].Error);
        Assert.Contains("ft-9", failed[1].Error, StringComparison.Ordinal);
        Assert.Equal(
            Enumerable.Range(0, 12).Where(i => i is not 3 and not 6).Select(i => $"c{i}").Order(StringComparer.Ordinal),
            Directory.EnumerateDirectories(Path.Combine(root, "out")).Where(d => File.Exists(Path.Combine(d, "model.safetensors"))).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}

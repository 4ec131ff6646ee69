using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Tests.Jobs;
using FusionCluster.Storage;
using FusionCluster.TestSupport;
using Microsoft.Extensions.Configuration;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// On a silo with data roots the evaluation cache key reads nothing outside them: an ensemble inside the roots whose
/// member lies outside fails the evaluation naming the member before any of the member's files is read. The member
/// holds a FIFO, so a key that read it would hang; the 10 s guard turns that into a failure.
/// </summary>
public sealed class SweepEvaluatorGrainRootsCacheKeyTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly TempDirectory temp = new("fusion-cache-key-roots-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task An_ensemble_member_outside_the_roots_fails_the_evaluation_before_its_files_are_read()
    {
        var root = Directory.CreateDirectory(temp.Combine("root")).FullName;
        var outside = Directory.CreateDirectory(temp.Combine("outside", "member")).FullName;
        File.WriteAllText(Path.Combine(outside, "config.json"), "{}");
        Fifo.Create(Path.Combine(outside, "model.safetensors"));
        var inside = Directory.CreateDirectory(Path.Combine(root, "member")).FullName;
        File.WriteAllText(Path.Combine(inside, "config.json"), "{}");
        var ensemble = EnsembleManifest.Create(Path.Combine(root, "ensemble"), [inside, outside], null, EnsembleRule.MeanProbs);
        ensemble.Write();
        var text = Path.Combine(root, "held-out.txt");
        File.WriteAllText(text, "the quick brown fox");
        var roots = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Fusion:Storage:LocalRoots:0"] = root }).Build();
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1, services: services => services.AddFusionStorage(roots));
        var evaluator = cluster.Client.GetGrain<ISweepEvaluatorGrain>(cluster.Silos[0].SiloAddress.ToParsableString());

        var evaluation = evaluator.Evaluate(new EvaluationRequest
        {
            ModelFolder = ensemble.Folder,
            PerplexityText = text,
            CacheFolder = Directory.CreateDirectory(Path.Combine(root, "cache")).FullName,
        });

        Assert.Same(evaluation, await Task.WhenAny(evaluation, Task.Delay(Guard, TestContext.Current.CancellationToken)));
        var outcome = await evaluation;
        Assert.NotNull(outcome.Error);
        Assert.Contains($"ensemble member '{outside}'", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", outcome.Error, StringComparison.Ordinal);
    }
}

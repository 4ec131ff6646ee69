using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>The evaluator grain of a silo runs a merge's evaluators there and returns metrics, or the error as text.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class SweepEvaluatorGrainTests(OneWorkerSilo silo) : IDisposable
{
    private readonly string model = Directory.CreateTempSubdirectory("fusion-evaluator-").FullName;

    public void Dispose() => Directory.Delete(model, recursive: true);

    [Fact]
    public async Task A_command_evaluator_reports_its_metrics_and_the_silo_that_ran_it()
    {
        var evaluator = silo.Client.GetGrain<ISweepEvaluatorGrain>(silo.SiloKey);

        var outcome = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = model, Command = """echo log line; echo '{"accuracy": 0.25, "loss": 2}' # {model}""" });

        Assert.Null(outcome.Error);
        Assert.Equal(0.25, outcome.Metrics["accuracy"]);
        Assert.Equal(2, outcome.Metrics["loss"]);
        Assert.Equal(silo.Cluster.Silos[0].Name, outcome.Silo);
    }

    [Fact]
    public async Task A_failing_command_or_an_unknown_split_comes_back_as_an_error()
    {
        var evaluator = silo.Client.GetGrain<ISweepEvaluatorGrain>(silo.SiloKey);

        var failed = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = model, Command = "exit 3" });
        Assert.NotNull(failed.Error);
        Assert.Empty(failed.Metrics);

        var split = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = model, Dataset = "mnist", Split = "validation" });
        Assert.Equal("split 'validation': expected held-out, train or all", split.Error);
    }
}

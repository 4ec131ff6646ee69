using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Sweeps.Runs;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

public sealed class SweepRequestsTests
{
    [Fact]
    public void The_evaluation_request_carries_the_variables_the_sweep_names_for_its_command()
    {
        var spec = SweepSpecParser.Parse(
            """
            template: {merge_method: linear, models: [{model: a, parameters: {weight: 1}}]}
            space: {grid: {"models[0].parameters.weight": [1, 2]}}
            evaluator:
              command: {run: "score {model}", timeout: 5, variables: [HF_HOME, OMP_NUM_THREADS]}
            objective: {metric: score}
            out: out
            """,
            "sweep.yaml",
            "/sweeps");

        var request = SweepRequests.Evaluation(spec, "/sweeps/out/run-1/0", cacheFolder: null);

        Assert.Equal(["HF_HOME", "OMP_NUM_THREADS"], request.CommandVariables);
        Assert.Equal("score {model}", request.Command);
        Assert.Equal(5, request.CommandTimeoutSeconds);
    }
}

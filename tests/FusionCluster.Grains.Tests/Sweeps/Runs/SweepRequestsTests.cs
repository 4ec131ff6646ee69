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

    [Fact]
    public void A_connect_point_asks_for_its_own_options_published_under_its_run_and_index()
    {
        var spec = SweepSpecParser.Parse(
            """
            kind: connect
            connect: {a: mlp-1, b: mlp-2, dataset: digits.fcds, points: 7, max_samples: 100, seed: 3}
            space: {grid: {connect.align: [none, weight_matching], connect.repair: [false, true]}}
            out: out
            """,
            "sweep.yaml",
            "/sweeps");
        var candidate = new Abstractions.Sweeps.SweepCandidateStatus { Index = 3, Label = "p3", MergeOutput = "/sweeps/out/connect/run-000002-point-003" };

        var request = SweepRequests.Connect(spec, run: 2, candidate);

        Assert.Equal("/sweeps/out/connect/run-000002-point-003", request.ModelFolder);
        var connect = request.Connect!;
        Assert.Equal(
            (Path.GetFullPath("/sweeps/mlp-1"), Path.GetFullPath("/sweeps/mlp-2"), Path.GetFullPath("/sweeps/digits.fcds"), "weight_matching", true, 7, 100, 3UL, "run-000002-point-003"),
            (connect.A, connect.B, connect.Dataset, connect.Align, connect.Repair, connect.Points, connect.MaxSamples, connect.Seed, connect.Name));
        Assert.Null(request.Dataset);
        Assert.Null(request.Command);
    }

    [Fact]
    public void A_connect_point_carries_zip_layers_and_the_bezier_training_options_to_the_options_fusion_connect_builds()
    {
        var spec = SweepSpecParser.Parse(
            """
            kind: connect
            connect: {a: mlp-1, b: mlp-2, dataset: digits.fcds, align: zipit, zip_layers: 1, curve: bezier, bezier_epochs: 2, bezier_lr: 0.05}
            space: {grid: {connect.zip_layers: [0, 1]}}
            out: out
            """,
            "sweep.yaml",
            "/sweeps");
        var candidate = new Abstractions.Sweeps.SweepCandidateStatus { Index = 0, Label = "p0", MergeOutput = "/sweeps/out/connect/run-000001-point-000" };

        var connect = SweepRequests.Connect(spec, run: 1, candidate).Connect!;
        var options = FusionCluster.Grains.Sweeps.Evaluations.ConnectPointEvaluation.Options(connect);

        // What fusion connect --align zipit --zip-layers 0 --curve bezier --bezier-epochs 2 --bezier-lr 0.05 sets.
        Assert.Equal((0, 2, 0.05), (connect.ZipLayers, connect.BezierEpochs, connect.BezierLearningRate));
        Assert.Equal((FusionCluster.Connectivity.AlignmentMethod.ZipIt, (int?)0, FusionCluster.Connectivity.Paths.PathCurve.Bezier), (options.Alignment, options.ZipLayers, options.Curve));
        Assert.Equal(new FusionCluster.Connectivity.Paths.BezierTrainingOptions { Epochs = 2, LearningRate = 0.05 }, options.Bezier);
    }
}

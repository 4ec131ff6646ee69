using FusionCluster.Core.Specs;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Tests.Sweeps;

/// <summary>sweep.yaml of kind connect: the space varies fusion connect's options, and mistakes name the line and key.</summary>
public sealed class ConnectSweepTemplateTests
{
    private const string Connect = """
        kind: connect
        connect:
          a: mlp-1
          b: /models/mlp-2
          dataset: digits.fcds
          points: 5
        out: out
        """;

    [Fact]
    public void A_grid_over_connect_keys_makes_one_connect_point_each_ranked_by_lowest_loss_barrier_by_default()
    {
        var spec = Parse("""
            space:
              grid:
                connect.align: [none, weight_matching, activation_matching]
                connect.repair: [false, true]
            """);

        Assert.Equal(SweepKind.Connect, spec.Kind);
        Assert.Null(spec.Template);
        Assert.Equal(new SweepObjective("loss_barrier", ObjectiveDirection.Minimize), spec.Objective);
        Assert.False(spec.Promote.CopyBest);
        Assert.Equal(Path.GetFullPath("/sweeps/out"), spec.Output);
        var points = spec.ConnectPoints();
        Assert.Equal(
            [("none", false), ("none", true), ("weight_matching", false), ("weight_matching", true), ("activation_matching", false), ("activation_matching", true)],
            points.Select(p => (p.Align, p.Repair)));
        Assert.All(points, p =>
        {
            Assert.Equal(Path.GetFullPath("/sweeps/mlp-1"), p.A);
            Assert.Equal("/models/mlp-2", p.B);
            Assert.Equal(Path.GetFullPath("/sweeps/digits.fcds"), p.Dataset);
            Assert.Null(p.Text);
            Assert.Equal(5, p.Points);
            Assert.Equal("linear", p.Curve);
            Assert.Equal(2000, p.StatisticsSamples);
        });
        Assert.Equal(6, points.Select(p => p.Canonical).Distinct().Count());
        Assert.Throws<InvalidOperationException>(() => spec.Candidates());
    }

    [Fact]
    public void An_objective_and_keep_runs_may_be_given_and_language_models_take_a_text()
    {
        var spec = SweepSpecParser.Parse(
            """
            kind: connect
            connect: {a: lm-1, b: lm-2, text: wiki.txt, context: 64, iterations: 7}
            space:
              list:
                - connect.align: weight_matching
            objective: {metric: perplexity_barrier, direction: minimize}
            promote: {keep_runs: 3}
            out: out
            """,
            "sweep.yaml",
            "/sweeps");

        Assert.Equal(new SweepObjective("perplexity_barrier", ObjectiveDirection.Minimize), spec.Objective);
        Assert.Equal(3, spec.Promote.KeepRuns);
        var point = Assert.Single(spec.ConnectPoints());
        Assert.Equal((Path.GetFullPath("/sweeps/wiki.txt"), "weight_matching", 64, 7), (point.Text, point.Align, point.Context, point.Iterations));
        Assert.Null(point.Dataset);
    }

    [Fact]
    public void Zip_layers_bezier_training_and_the_match_text_are_options_of_a_point_and_of_its_identity()
    {
        var spec = SweepSpecParser.Parse(
            """
            kind: connect
            connect: {a: mlp-1, b: mlp-2, dataset: digits.fcds, align: zipit, curve: bezier, bezier_epochs: 3, bezier_lr: 0.02}
            space: {grid: {connect.zip_layers: [0, 2]}}
            out: out
            """,
            "sweep.yaml",
            "/sweeps");
        var points = spec.ConnectPoints();
        Assert.Equal([(0, 3, 0.02), (2, 3, 0.02)], points.Select(p => (p.ZipLayers ?? -1, p.BezierEpochs, p.BezierLearningRate)));
        Assert.NotEqual(points[0].Canonical, points[1].Canonical);

        var language = SweepSpecParser.Parse(
            """
            kind: connect
            connect: {a: lm-1, b: lm-2, text: wiki.txt, align: activation_matching, match_text: match.txt}
            space: {list: [{connect.seed: 1}]}
            out: out
            """,
            "sweep.yaml",
            "/sweeps");
        var point = Assert.Single(language.ConnectPoints());
        Assert.Equal(Path.GetFullPath("/sweeps/match.txt"), point.MatchText);
        Assert.Contains($"match_text={Path.GetFullPath("/sweeps/match.txt")}", point.Canonical, StringComparison.Ordinal);

        // Defaults are fusion connect's: all layers zipped, 5 epochs at 0.01, activations on the text itself.
        var defaults = Assert.Single(SweepSpecParser.Parse(Connect + "\nspace: {list: [{connect.seed: 1}]}", "sweep.yaml", "/sweeps").ConnectPoints());
        Assert.Equal((null, 5, 0.01, null), (defaults.ZipLayers, defaults.BezierEpochs, defaults.BezierLearningRate, defaults.MatchText));
    }

    [Theory]
    [InlineData(Connect + "\nspace: {grid: {connect.zip_layers: [1]}}", "line 8: space.grid:", "connect.zip_layers: is for align: zipit, and this point aligns with none")]
    [InlineData(Connect + "\nspace: {grid: {connect.bezier_lr: [0.1]}}", "line 8: space.grid:", "connect.bezier_lr: is for curve: bezier, and this point's curve is linear")]
    [InlineData(Connect + "\nspace: {grid: {connect.curve: [bezier], connect.bezier_lr: [-1]}}", "line 8: space.grid:", "connect.bezier_lr: -1: expected a positive number")]
    [InlineData(Connect + "\nspace: {grid: {connect.curve: [bezier], connect.bezier_epochs: [0]}}", "line 8: space.grid:", "connect.bezier_epochs")]
    [InlineData(Connect + "\nspace: {grid: {connect.align: [zipit], connect.zip_layers: [-1]}}", "line 8: space.grid:", "connect.zip_layers")]
    [InlineData(Connect + "\nspace: {grid: {connect.align: [activation_matching], connect.match_text: [m.txt]}}", "line 8: space.grid:", "connect.match_text: is for language models (text)")]
    [InlineData("kind: connect\nconnect: {a: x, b: y, text: t, zip_layers: 1}\nspace: {grid: {connect.align: [none]}}\nout: out", "space.grid:", "connect.zip_layers: is for align: zipit")]
    [InlineData("kind: connect\nconnect: {a: x, b: y, dataset: d,\n  bezier_learning_rate: 0.1}\nspace: {grid: {connect.align: [none]}}\nout: out", "line 3: connect.bezier_learning_rate:", "unknown key 'bezier_learning_rate'")]
    public void Options_a_point_does_not_use_or_gets_wrong_name_the_line_and_key(string yaml, string where, string what) =>
        Mistakes_name_the_line_and_key(yaml, where, what);

    [Theory]
    [InlineData(Connect + "\nspace: {grid: {connect.align: [rebasin]}}", "line 8: space.grid:", "connect.align: 'rebasin': expected none, weight_matching, activation_matching, zipit")]
    [InlineData(Connect + "\nspace: {grid: {connect.aling: [none]}}", "line 8: space.grid:", "unknown key 'aling'")]
    [InlineData(Connect + "\nspace: {grid: {connect.points: [1]}}", "line 8: space.grid:", "connect.points")]
    [InlineData(Connect + "\nspace: {grid: {connect.repair: [maybe]}}", "line 8: space.grid:", "connect.repair")]
    [InlineData(Connect + "\nspace: {grid: {connect.context: [64]}}", "line 8: space.grid:", "connect.context: is for language models (text)")]
    [InlineData(Connect + "\nspace: {grid: {merge_method: [ties]}}", "line 8: space.grid:", "'merge_method': a connect sweep varies keys of its connect: section")]
    [InlineData(Connect + "\nspace: {grid: {connect.text: [t.txt]}}", "line 8: space.grid:", "give dataset (classifiers) or text (language models), one of them")]
    [InlineData(Connect + "\nspace: {grid: {connect.b: [\"az://c/m\"]}}", "line 8: space.grid:", "connect.b: 'az://c/m': a connect sweep reads local files and folders")]
    [InlineData("kind: connect\nconnect: {a: x, b: y, dataset: d, alignn: none}\nspace: {grid: {connect.align: [none]}}\nout: out", "line 2: connect.alignn:", "unknown key 'alignn'")]
    [InlineData("kind: connect\nconnect: {a: x, dataset: d}\nspace: {grid: {connect.align: [none]}}\nout: out", "space.grid:", "connect.b: is required")]
    [InlineData("kind: connect\nconnect: {a: x, b: y, text: t, repair: true}\nspace: {grid: {connect.align: [none]}}\nout: out", "space.grid:", "connect.repair: language models (text) take the linear path")]
    [InlineData("kind: connect\nconnect: {a: x, b: y, text: t}\nspace: {grid: {connect.align: [zipit]}}\nout: out", "space.grid:", "connect.align: 'zipit': expected none, weight_matching, activation_matching")]
    [InlineData("kind: connect\nspace: {grid: {connect.align: [none]}}\nout: out", "line 1: connect:", "connect is required for kind: connect")]
    [InlineData(Connect + "\ntemplate: spec.yaml\nspace: {grid: {connect.align: [none]}}", "line 8: template:", "a sweep of kind connect has no template")]
    [InlineData(Connect + "\nevaluator: {accuracy: {dataset: d}}\nspace: {grid: {connect.align: [none]}}", "line 8: evaluator:", "a sweep of kind connect has no evaluator")]
    [InlineData(Connect + "\nbaselines: [inputs]\nspace: {grid: {connect.align: [none]}}", "line 8: baselines:", "has no baselines")]
    [InlineData(Connect + "\npromote: {best: true}\nspace: {grid: {connect.align: [none]}}", "line 8: promote.best:", "keep_runs is its only promote key")]
    [InlineData("kind: connectivity\nconnect: {a: x, b: y, dataset: d}\nspace: {grid: {connect.align: [none]}}\nout: out", "line 1: kind:", "'connectivity': expected merge or connect")]
    [InlineData("connect: {a: x, b: y, dataset: d}\ntemplate: {merge_method: linear}\nspace: {grid: {connect.align: [none]}}\nout: out", "line 1: connect:", "add kind: connect")]
    public void Mistakes_name_the_line_and_key(string yaml, string where, string what)
    {
        var error = Assert.Throws<SpecException>(() => SweepSpecParser.Parse(yaml, "sweep.yaml", "/sweeps"));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    private static SweepSpec Parse(string space) => SweepSpecParser.Parse(Connect + "\n" + space, "sweep.yaml", "/sweeps");
}

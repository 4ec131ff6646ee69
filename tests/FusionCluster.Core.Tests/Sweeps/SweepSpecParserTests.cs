using FusionCluster.Core.Specs;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Tests.Sweeps;

/// <summary>sweep.yaml: spaces expand to the points they describe, and mistakes name the line and key.</summary>
public sealed class SweepSpecParserTests
{
    // Paths contain '[', which YAML allows in plain keys of block mappings but not inside {flow} mappings.
    private const string Weight = "space:\n  grid:\n    models[0].parameters.weight: [1]";

    private const string Template = """
        template:
          merge_method: task_arithmetic
          base_model: base
          models:
            - model: ft-1
              parameters: {weight: 0.5}
            - model: ft-2
              parameters: {weight: 0.5}
        evaluator:
          accuracy: {dataset: digits.fcds}
        objective: {metric: accuracy}
        out: out
        """;

    [Fact]
    public void A_grid_is_the_product_of_its_axes_with_the_first_axis_slowest()
    {
        var spec = Parse("""
            space:
              grid:
                models[0].parameters.weight: [0.2, 0.4]
                models[1].parameters.weight: [1, 2, 3]
            """);

        Assert.Equal(
            [
                "models[0].parameters.weight=0.2 models[1].parameters.weight=1",
                "models[0].parameters.weight=0.2 models[1].parameters.weight=2",
                "models[0].parameters.weight=0.2 models[1].parameters.weight=3",
                "models[0].parameters.weight=0.4 models[1].parameters.weight=1",
                "models[0].parameters.weight=0.4 models[1].parameters.weight=2",
                "models[0].parameters.weight=0.4 models[1].parameters.weight=3",
            ],
            spec.Points.Select(p => p.Label));
        var last = spec.Candidates()[5].Spec;
        Assert.Equal(0.4, Scalar(last.Slices[0].Sources[0].Parameters["weight"]));
        Assert.Equal(3.0, Scalar(last.Slices[0].Sources[1].Parameters["weight"]));
        Assert.Equal(Path.GetFullPath("/sweeps/out"), spec.Output);
        Assert.Null(spec.Schedule);
    }

    [Fact]
    public void Wildcards_new_keys_and_a_list_of_spaces_make_one_sequence_of_valid_specs()
    {
        var spec = Parse("""
            space:
              - grid:
                  models[*].parameters.weight: [0.3]
              - list:
                  - merge_method: ties
                    models[*].parameters.density: 0.5
                    parameters.normalize: true
            """);

        Assert.Equal(2, spec.Points.Count);
        var ties = spec.Candidates()[1].Spec;
        Assert.Equal("ties", ties.MergeMethod);
        Assert.All(ties.Slices[0].Sources.Where(s => s.Model != "base"), s => Assert.Equal(0.5, Scalar(s.Parameters["density"])));
        Assert.True(ties.Parameters.ContainsKey("normalize"));
        Assert.All(spec.Candidates()[0].Spec.Slices[0].Sources.Where(s => s.Model != "base"), s => Assert.Equal(0.3, Scalar(s.Parameters["weight"])));
    }

    [Fact]
    public void A_random_space_draws_the_same_points_for_the_same_seed_within_its_range()
    {
        const string Space = """
            space:
              random:
                count: 5
                seed: 7
                parameters:
                  models[*].parameters.weight: {min: 0.1, max: 0.9}
                  merge_method: [task_arithmetic, linear]
            """;
        var first = Parse(Space);
        var again = Parse(Space);
        var other = Parse(Space.Replace("seed: 7", "seed: 8", StringComparison.Ordinal));

        Assert.Equal(5, first.Points.Count);
        Assert.Equal(first.Points.Select(p => p.Label), again.Points.Select(p => p.Label));
        Assert.NotEqual(first.Points.Select(p => p.Label), other.Points.Select(p => p.Label));
        Assert.All(first.Candidates(), c =>
        {
            var weight = Scalar(c.Spec.Slices[0].Sources[0].Parameters["weight"]);
            Assert.InRange(weight, 0.1, 0.9);
        });
    }

    [Theory]
    [InlineData("objective: perplexity", "perplexity", ObjectiveDirection.Minimize)]
    [InlineData("objective: {metric: cross_entropy}", "cross_entropy", ObjectiveDirection.Minimize)]
    [InlineData("objective: {metric: l2_distance/ft-1}", "l2_distance/ft-1", ObjectiveDirection.Minimize)]
    [InlineData("objective: {metric: accuracy}", "accuracy", ObjectiveDirection.Maximize)]
    [InlineData("objective: {metric: cosine/ft-1}", "cosine/ft-1", ObjectiveDirection.Maximize)]
    [InlineData("objective: {metric: perplexity, direction: maximize}", "perplexity", ObjectiveDirection.Maximize)]
    public void An_objective_without_a_direction_takes_its_metrics_natural_one(string objective, string metric, ObjectiveDirection direction)
    {
        const string Evaluators = "evaluator:\n  perplexity: {text: t.txt}\n  accuracy: {dataset: d.fcds}\n  tensors: {compare: [ft-1]}\n";
        Assert.Equal(new SweepObjective(metric, direction), Parse("space:\n  grid:\n    models[0].parameters.weight: [1]\n", evaluator: Evaluators + objective).Objective);
    }

    [Fact]
    public void A_parameter_no_points_method_takes_is_refused_and_one_some_take_is_left_to_fail_those_points()
    {
        var typo = Assert.Throws<SpecException>(() => Parse("space:\n  grid:\n    models[*].parameters.wieght: [0.3, 0.7]")).Message;
        Assert.StartsWith("sweep.yaml line 1: space: no point makes a merge spec its method takes: sweep.yaml template: point 0 (models[*].parameters.wieght=0.3): ", typo);
        Assert.Contains("has no parameter 'wieght' (did you mean 'weight'?", typo, StringComparison.Ordinal);

        // density is task arithmetic's but not linear's: the linear point fails alone when the planner sees it.
        var mixed = Parse("space:\n  grid:\n    merge_method: [task_arithmetic, linear]\n    models[*].parameters.density: [0.5]");
        Assert.Equal(["task_arithmetic", "linear"], mixed.Candidates().Select(c => c.Spec.MergeMethod));
    }

    [Theory]
    [InlineData("eval_loss", ObjectiveDirection.Minimize)]
    [InlineData("loss_barrier", ObjectiveDirection.Minimize)]
    [InlineData("Word-Error.rate", ObjectiveDirection.Minimize)]
    [InlineData("task_cosine/ft-1", ObjectiveDirection.Maximize)]
    [InlineData("sign_agreement/base", ObjectiveDirection.Maximize)]
    [InlineData("glossary_score", ObjectiveDirection.Maximize)] // a word containing "loss" is not the word loss
    [InlineData("cosine/low-loss-ft", ObjectiveDirection.Maximize)] // after '/': a reference's name, no say
    [InlineData("accuracy/class_3", ObjectiveDirection.Maximize)]
    [InlineData("kl_divergence", ObjectiveDirection.Minimize)]
    public void A_metrics_default_direction_follows_the_words_of_its_name(string metric, ObjectiveDirection expected) =>
        Assert.Equal(expected, SweepObjective.DefaultDirection(metric));

    [Fact]
    public void Schedule_evaluators_objective_and_promote_are_read()
    {
        var spec = Parse("""
            space:
              grid:
                models[0].parameters.weight: [1]
            schedule: {cron: "0 3 * * *", time_zone: Europe/Berlin, overlap: queue}
            max_concurrent: 3
            promote: {best: false, keep_runs: 2}
            seed: 9
            """, evaluator: """
            evaluator:
              accuracy: {dataset: digits.fcds, split: all, classes: "0-2,7"}
              tensors: {compare: [ft-1], base: base}
              command: {run: "python3 score.py {model}", timeout: 30}
            objective: {metric: cross_entropy, direction: minimize}
            """);

        Assert.Equal("0 3 * * *", spec.Schedule!.Cron);
        Assert.Equal(OverlapPolicy.Queue, spec.Schedule.Overlap);
        Assert.Equal(3, spec.MaxConcurrent);
        Assert.Equal(new PromotePolicy(false, 2), spec.Promote);
        Assert.Equal(9UL, spec.Seed);
        Assert.Equal(new SweepObjective("cross_entropy", ObjectiveDirection.Minimize), spec.Objective);
        Assert.Equal([0, 1, 2, 7], spec.Evaluator.Accuracy!.Classes);
        Assert.Equal("all", spec.Evaluator.Accuracy.Split);
        Assert.Equal(Path.GetFullPath("/sweeps/ft-1"), Assert.Single(spec.Evaluator.Tensors!.Compare).Value);
        Assert.Equal(30, spec.Evaluator.Command!.TimeoutSeconds);
    }

    [Fact]
    public void Baselines_are_inputs_and_ensemble_rules_once_each_and_none_by_default()
    {
        const string Evaluator = "evaluator:\n  perplexity: {text: held-out.txt}\nobjective: {metric: perplexity, direction: minimize}";
        var listed = Parse(Weight, evaluator: Evaluator + "\nbaselines: [inputs, mean-probs, inputs]");
        var error = Assert.Throws<SpecException>(() => Parse(Weight, evaluator: Evaluator + "\nbaselines: [inputs, ensemble]")).Message;

        Assert.Equal(["inputs", "mean-probs"], listed.Baselines);
        Assert.Empty(Parse(Weight, evaluator: Evaluator).Baselines);
        Assert.Contains("baselines[1]", error, StringComparison.Ordinal);
        Assert.Contains("'ensemble': expected inputs, mean-probs, mean-logits, vote", error, StringComparison.Ordinal);
        Assert.Contains("line ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_evaluator_names_the_variables_it_gets_and_none_by_default()
    {
        var named = Parse(Weight, evaluator: """
            evaluator:
              command: {run: "python3 score.py {model}", variables: [HF_HOME, CUDA_VISIBLE_DEVICES]}
            objective: {metric: score}
            """);
        var plain = Parse(Weight, evaluator: """
            evaluator:
              command: "python3 score.py {model}"
            objective: {metric: score}
            """);

        Assert.Equal(["HF_HOME", "CUDA_VISIBLE_DEVICES"], named.Evaluator.Command!.Variables);
        Assert.Empty(plain.Evaluator.Command!.Variables);
    }

    [Theory]
    [InlineData("[FUSION_BLOB_CONNECTION]", "'FUSION_BLOB_CONNECTION' is FusionCluster's own setting")]
    [InlineData("[Fusion__Storage__Azure__ConnectionString]", "'Fusion__Storage__Azure__ConnectionString' is FusionCluster's own setting")]
    [InlineData("[HF_HOME, HF_HOME]", "'HF_HOME' is named twice")]
    [InlineData("[\"A B\"]", "'A B' is not an environment variable name")]
    [InlineData("HF_HOME", "expected a list")]
    public void Command_variables_that_are_not_plain_foreign_names_are_refused_with_key_and_line(string variables, string expected)
    {
        var error = Assert.Throws<SpecException>(() => Parse(Weight, evaluator: $"evaluator:\n  command:\n    run: score {{model}}\n    variables: {variables}\nobjective: {{metric: score}}")).Message;

        Assert.Contains("evaluator.command.variables", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("line ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_perplexity_evaluator_reads_its_text_file_and_context()
    {
        var spec = Parse(Weight, evaluator: """
            evaluator:
              perplexity: {text: held-out.txt, context: 128}
            objective: {metric: perplexity, direction: minimize}
            """);

        Assert.Equal(new PerplexityEvaluatorSpec(Path.GetFullPath("/sweeps/held-out.txt"), 128), spec.Evaluator.Perplexity);
        Assert.Null(spec.Evaluator.Accuracy);
        Assert.Equal(new SweepObjective("perplexity", ObjectiveDirection.Minimize), spec.Objective);
        Assert.Null(Parse(Weight, evaluator: "evaluator:\n  perplexity: {text: t.txt}\nobjective: {metric: perplexity, direction: minimize}").Evaluator.Perplexity!.Context);
    }

    [Theory]
    [InlineData("perplexity: {context: 64}", "evaluator.perplexity.text:", "text is required")]
    [InlineData("perplexity: {text: t.txt, context: 1}", "evaluator.perplexity.context:", "1")]
    [InlineData("perplexity: {text: t.txt, window: 64}", "evaluator.perplexity.window:", "unknown key 'window'")]
    public void A_perplexity_evaluator_names_its_mistakes(string evaluator, string where, string what)
    {
        var error = Assert.Throws<SpecException>(() => Parse(Weight, evaluator: $"evaluator:\n  {evaluator}\nobjective: {{metric: perplexity}}")).Message;
        // The evaluator section starts on line 12 of the test's spec (after the space and the template).
        Assert.Contains($"sweep.yaml line 13: {where}", error, StringComparison.Ordinal);
        Assert.Contains(what, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("space:\n  grid:\n    models[5].parameters.weight: [1]", "line 2: space.grid:", "'models' has 2 entries, so there is no models[5]")]
    [InlineData("space:\n  grid:\n    models[0].parameters.weight: [heavy]", "line 2: space.grid:", "models[0].parameters.weight")]
    [InlineData("space:\n  grid:\n    models[x].weight: [1]", "line 3: space.grid.models[x].weight:", "key[index] or key[*]")]
    [InlineData("space: {sobol: {}}", "line 1: space.sobol:", "unknown key 'sobol'")]
    [InlineData("space: {grid: {parameters.t: []}}", "line 1: space.grid.parameters.t:", "empty")]
    [InlineData("space: {grid: {}}", "line 1: space.grid:", "the mapping is empty: give at least one spec path")]
    [InlineData(Weight + "\nschedule: {cron: \"0 25 * * *\"}", "line 4: schedule:", "'0 25 * * *'")]
    [InlineData(Weight + "\nmax_concurrent: 0", "line 4: max_concurrent:", "from 1 to 1000")]
    [InlineData("space:\n  random:\n    count: 3\n    parameters:\n      parameters.t: {min: 1, max: 0}", "line 5: space.random.parameters.parameters.t:", "greater than min")]
    public void Mistakes_name_the_line_and_the_key(string space, string where, string what)
    {
        var error = Assert.Throws<SpecException>(() => Parse(space)).Message;
        Assert.Contains($"sweep.yaml {where}", error, StringComparison.Ordinal);
        Assert.Contains(what, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_publish_all_by_default_and_best_keeps_one_unless_told()
    {
        const string Tensors = "evaluator:\n  tensors: {compare: [ft-1], base: base}\nobjective: {metric: l2_distance/ft-1, direction: minimize}";

        Assert.Equal(SweepOutputs.All, Parse(Weight, evaluator: Tensors).Outputs);
        Assert.Equal(SweepOutputs.All, Parse(Weight, evaluator: Tensors + "\noutputs: {publish: all}").Outputs);
        Assert.Equal(new SweepOutputs(OutputPublishing.Best, 1), Parse(Weight, evaluator: Tensors + "\noutputs: {publish: best}").Outputs);
        Assert.Equal(new SweepOutputs(OutputPublishing.Best, 3), Parse(Weight, evaluator: Tensors + "\noutputs: {publish: best, keep: 3}").Outputs);
    }

    [Theory]
    [InlineData("tensors: {compare: [ft-1]}", "outputs: {publish: some}", "outputs.publish:", "'some': expected all or best")]
    [InlineData("tensors: {compare: [ft-1]}", "outputs: {publish: best, keep: 0}", "outputs.keep:", "from 1 to 10000")]
    [InlineData("tensors: {compare: [ft-1]}", "outputs: {publish: all, keep: 2}", "outputs.keep:", "keep applies to publish: best")]
    [InlineData("tensors: {compare: [ft-1]}", "outputs: {publish: best, winners: 2}", "outputs.winners:", "unknown key 'winners'")]
    [InlineData("accuracy: {dataset: digits.fcds}", "outputs: {publish: best}", "outputs.publish:", "only the tensors evaluator can")]
    [InlineData("{tensors: {compare: [ft-1]}, command: {run: echo}}", "outputs: {publish: best}", "outputs.publish:", "accuracy, perplexity and command need the written model")]
    public void Bad_outputs_are_refused_naming_the_key(string evaluator, string outputs, string where, string what)
    {
        var error = Assert.Throws<SpecException>(() => Parse(Weight, evaluator: $"evaluator:\n  {evaluator}\nobjective: {{metric: x}}\n{outputs}")).Message;

        Assert.Contains($"sweep.yaml line 15: {where}", error, StringComparison.Ordinal);
        Assert.Contains(what, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tensors: {compare: [ft-1], base: base}", "cosine/ft-2", "l2_distance/ft-1, cosine/ft-1, task_cosine/ft-1, sign_agreement/ft-1, l2_distance/base")]
    [InlineData("tensors: {compare: [ft-1]}", "task_cosine/ft-1", "l2_distance/ft-1, cosine/ft-1")]
    [InlineData("accuracy: {dataset: digits.fcds}", "acuracy", "accuracy, cross_entropy, samples, accuracy/class_<label>")]
    [InlineData("accuracy: {dataset: digits.fcds, classes: [0, 1]}", "accuracy/class_2", "accuracy, cross_entropy, samples, accuracy/class_0, accuracy/class_1")]
    [InlineData("perplexity: {text: corpus.txt}", "ppl", "perplexity, nll, tokens, windows, context, tokens_per_second")]
    public void An_objective_no_evaluator_reports_is_refused_before_anything_runs(string evaluator, string metric, string reported)
    {
        var error = Assert.Throws<SpecException>(() => Parse(Weight, evaluator: $"evaluator:\n  {evaluator}\nobjective: {{metric: {metric}, direction: maximize}}")).Message;

        Assert.Contains($"sweep.yaml line 14: objective.metric: '{metric}' is not a metric of this sweep's evaluator, which reports {reported}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tensors: {compare: [ft-1, ../ft-2], base: base}", "sign_agreement/../ft-2")]
    [InlineData("tensors: {base: base}", "l2_distance/base")]
    [InlineData("accuracy: {dataset: digits.fcds}", "accuracy/class_7")]
    [InlineData("accuracy: {dataset: digits.fcds, classes: [3]}", "accuracy/class_3")]
    [InlineData("{accuracy: {dataset: digits.fcds}, perplexity: {text: corpus.txt}}", "tokens_per_second")]
    [InlineData("{tensors: {compare: [ft-1]}, command: {run: ./score.sh}}", "anything_the_command_prints")]
    public void An_objective_some_evaluator_may_report_is_accepted(string evaluator, string metric)
    {
        var spec = Parse(Weight, evaluator: $"evaluator:\n  {evaluator}\nobjective: {{metric: {metric}, direction: maximize}}");

        Assert.Equal(metric, spec.Objective.Metric);
    }

    [Fact]
    public void Missing_required_keys_are_named()
    {
        var error = Assert.Throws<SpecException>(() => SweepSpecParser.Parse("template: {merge_method: linear, models: [{model: a}]}\nspace: {list: [{}]}", "sweep.yaml", "/sweeps")).Message;
        Assert.Contains("space.list[0]", error, StringComparison.Ordinal);
        var noOut = Assert.Throws<SpecException>(() => SweepSpecParser.Parse(
            Template.Replace("out: out", "", StringComparison.Ordinal) + "\n" + Weight, "sweep.yaml", "/sweeps")).Message;
        Assert.Contains("out is required", noOut, StringComparison.Ordinal);
        var other = Assert.Throws<SpecException>(() => SweepSpecParser.Parse(
            Template.Replace("out: out", "out: s3://models/sweep", StringComparison.Ordinal) + "\n" + Weight, "sweep.yaml", "/sweeps")).Message;
        Assert.Contains("a blob prefix az://", other, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_output_is_kept_as_written_and_a_folder_resolves_against_the_spec()
    {
        Assert.Equal("az://models/sweep", SweepSpecParser.Parse(Template.Replace("out: out", "out: az://models/sweep", StringComparison.Ordinal) + "\n" + Weight, "sweep.yaml", "/sweeps").Output);
        Assert.Equal("/sweeps/out", SweepSpecParser.Parse(Template + "\n" + Weight, "sweep.yaml", "/sweeps").Output);
    }

    [Fact]
    public void The_canonical_spec_ignores_layout_key_order_and_number_spelling_but_not_values()
    {
        var spec = Parse("space:\n  list:\n    - models[0].parameters.weight: 0.50\n    - models[0].parameters.weight: 0.5\n    - models[0].parameters.weight: 0.6");
        var candidates = spec.Candidates();
        Assert.Equal(candidates[0].CanonicalSpec, candidates[1].CanonicalSpec);
        Assert.NotEqual(candidates[0].CanonicalSpec, candidates[2].CanonicalSpec);

        var reordered = SweepSpecParser.Parse(
            """
            out: out
            objective: accuracy
            evaluator: {accuracy: {dataset: digits.fcds}}
            space:
              list:
                - models[0].parameters.weight: 0.5
            template:
              models:
                - {parameters: {weight: 0.1}, model: ft-1}
                - {model: ft-2, parameters: {weight: 0.5}}
              base_model: base   # a comment
              merge_method: task_arithmetic
            """,
            "sweep.yaml",
            "/sweeps");
        Assert.Equal(candidates[0].CanonicalSpec, reordered.Candidates()[0].CanonicalSpec);
    }

    [Fact]
    public void Cache_keys_change_with_any_input_and_only_then()
    {
        (string, string, string)[] inputs = [("base", "/m/base", "a 1 h 5;"), ("ft-1", "/m/ft-1", "b 1 h 6;")];
        var key = MergeCacheKey.Compute("{spec}", 0, 100, inputs);

        Assert.Equal(MergeCacheKey.Length, key.Length);
        Assert.Equal(key, MergeCacheKey.Compute("{spec}", 0, 100, inputs.Reverse()));
        Assert.NotEqual(key, MergeCacheKey.Compute("{spec2}", 0, 100, inputs));
        Assert.NotEqual(key, MergeCacheKey.Compute("{spec}", 1, 100, inputs));
        Assert.NotEqual(key, MergeCacheKey.Compute("{spec}", 0, 101, inputs));
        Assert.NotEqual(key, MergeCacheKey.Compute("{spec}", 0, 100, [inputs[0], ("ft-1", "/m/ft-1", "b 1 h 7;")]));
        Assert.NotEqual(key, MergeCacheKey.Compute("{spec}", 0, 100, [inputs[0], ("ft-1", "/m/other", "b 1 h 6;")]));
    }

    [Fact]
    public void The_leaderboard_ranks_by_the_objective_and_keeps_candidate_order_on_ties()
    {
        double?[] values = [0.5, null, 0.9, 0.5, double.NaN, 0.7];
        Assert.Equal([2, 5, 0, 3], new SweepObjective("accuracy", ObjectiveDirection.Maximize).Rank(values));
        Assert.Equal([0, 3, 5, 2], new SweepObjective("loss", ObjectiveDirection.Minimize).Rank(values));
    }

    private static double Scalar(ParameterSetting setting) => Assert.IsType<ScalarSetting>(setting).Value;

    private static SweepSpec Parse(string space, string? evaluator = null)
    {
        var text = space + "\n" + (evaluator is null ? Template : Template[..Template.IndexOf("evaluator:", StringComparison.Ordinal)] + evaluator + "\nout: out\n");
        return SweepSpecParser.Parse(text, "sweep.yaml", "/sweeps");
    }
}

using System.Diagnostics;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Tests.Support;

namespace FusionCluster.Evaluation.Tests.Evaluators;

public sealed class ExternalCommandEvaluatorTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_last_stdout_line_gives_the_metrics_and_earlier_lines_are_logs()
    {
        using var temp = new TempDirectory();
        var evaluator = new ExternalCommandEvaluator("""echo "loading {model}"; echo 'step 1 of 1' >&2; echo '{"accuracy": 0.875, "loss": 1e-3, "n": 12}'""", Generous);

        var metrics = await evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken);

        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.875, ["loss"] = 0.001, ["n"] = 12 }, metrics);
    }

    [Fact]
    public async Task The_model_path_is_passed_as_one_word_even_with_spaces_and_quotes()
    {
        using var temp = new TempDirectory();
        var model = Directory.CreateDirectory(temp.Combine("it's a model")).FullName;
        // The script prints its argument count and the length of its first argument, as metrics.
        var script = temp.Combine("count.sh");
        File.WriteAllText(script, "printf '{\"args\": %d, \"length\": %d}\\n' \"$#\" \"${#1}\"\n");

        var metrics = await new ExternalCommandEvaluator($"sh {ExternalCommandEvaluator.ShellQuote(script)} {{model}}", Generous).EvaluateAsync(model, TestContext.Current.CancellationToken);

        Assert.Equal(1, metrics["args"]);
        Assert.Equal(model.Length, metrics["length"]);
    }

    [Fact]
    public void Without_a_placeholder_the_path_is_appended()
    {
        var evaluator = new ExternalCommandEvaluator("python3 eval.py --fast", Generous);

        Assert.Equal("python3 eval.py --fast '/models/m 1'", evaluator.CommandFor("/models/m 1"));
    }

    [Fact]
    public async Task A_non_zero_exit_is_an_error_with_the_code_and_stderr()
    {
        using var temp = new TempDirectory();
        var evaluator = new ExternalCommandEvaluator("echo '{\"accuracy\": 1}'; echo 'CUDA out of memory' >&2; exit 3", Generous);

        var error = await Assert.ThrowsAsync<EvaluationException>(() => evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken));

        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA out of memory", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo 'accuracy: 0.9'", "is not JSON")]
    [InlineData("echo '[0.9]'", "not an object of metrics")]
    [InlineData("echo '{\"accuracy\": \"high\"}'", "metric 'accuracy' from the evaluation command is \"high\"")]
    [InlineData("echo '{\"accuracy\": null}'", "metric 'accuracy' from the evaluation command is null")]
    [InlineData("true", "printed nothing on stdout")]
    [InlineData("echo '{\"a\": 1}'; echo", "")]
    public async Task Output_that_is_not_a_json_object_of_numbers_is_an_error(string command, string expected)
    {
        using var temp = new TempDirectory();
        // The placeholder keeps the path from being appended to the last command of the line.
        var evaluator = new ExternalCommandEvaluator($"test -d {{model}} && {command}", Generous);

        if (expected.Length == 0)
        {
            // A trailing empty line is not the last line: the object before it counts.
            Assert.Equal(1, (await evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken))["a"]);
            return;
        }

        var error = await Assert.ThrowsAsync<EvaluationException>(() => evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_and_reported()
    {
        using var temp = new TempDirectory();
        var evaluator = new ExternalCommandEvaluator("sleep 30; echo '{\"late\": 1}'", TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EvaluationException>(() => evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken));

        Assert.Contains("did not finish within 0.5 s and was killed", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_command_gets_no_input_rather_than_waiting_for_some()
    {
        using var temp = new TempDirectory();
        var evaluator = new ExternalCommandEvaluator("test -d {model} && n=$(cat | wc -c) && echo \"{\\\"stdin_bytes\\\": $n}\"", Generous);

        var metrics = await evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken);

        Assert.Equal(0, metrics["stdin_bytes"]);
    }
}

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
    public async Task Control_characters_in_quoted_output_are_escaped_not_sent_to_the_terminal()
    {
        using var temp = new TempDirectory();
        var evaluator = new ExternalCommandEvaluator("test -d {model} && printf 'x\\033[31mred\\007\\n'", Generous);

        var error = await Assert.ThrowsAsync<EvaluationException>(() => evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken));

        // Before: the escape sequence and the bell went into the message, and from it to the user's terminal.
        Assert.Contains("x\\u001b[31mred\\u0007", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error.Message);
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

    [Fact]
    public async Task The_command_sees_a_minimal_environment_without_the_silos_secrets()
    {
        using var temp = new TempDirectory();
        Environment.SetEnvironmentVariable("FC_TEST_SILO_SECRET", "hunter2");
        Environment.SetEnvironmentVariable("FC_TEST_NAMED_VARIABLE", "12345");
        // Each metric is 1 when the variable is set in the command's environment, else 0; "model" is FUSION_MODEL's length.
        var evaluator = new ExternalCommandEvaluator(
            """
            test -d {model}; s=0; n=0; p=0; h=0
            [ -n "${FC_TEST_SILO_SECRET+x}" ] && s=1; [ "$FC_TEST_NAMED_VARIABLE" = 12345 ] && n=1
            [ -n "$PATH" ] && p=1; [ -n "${HOME+x}" ] && h=1
            echo "{\"secret\": $s, \"named\": $n, \"path\": $p, \"home\": $h, \"model\": ${#FUSION_MODEL}, \"variables\": $(env | wc -l)}"
            """,
            Generous,
            passedVariables: ["FC_TEST_NAMED_VARIABLE"]);

        var metrics = await evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken);

        Assert.Equal(0, metrics["secret"]);
        Assert.Equal(1, metrics["named"]);
        Assert.Equal(1, metrics["path"]);
        Assert.Equal(Environment.GetEnvironmentVariable("HOME") is null ? 0 : 1, metrics["home"]);
        Assert.Equal(Path.GetFullPath(temp.Path).Length, metrics["model"]);

        // PATH, HOME, FUSION_MODEL, the named one, and what sh itself sets (PWD, SHLVL, OLDPWD, _): no more.
        Assert.InRange(metrics["variables"], 3, 9);
    }

    [Fact]
    public async Task FusionClusters_own_settings_are_not_passed_even_when_named()
    {
        using var temp = new TempDirectory();
        Environment.SetEnvironmentVariable("FUSION_TEST_BLOB_CONNECTION", "AccountKey=secret");
        Environment.SetEnvironmentVariable("Fusion__Test__Redis", "redis:6379,password=secret");
        var evaluator = new ExternalCommandEvaluator(
            """
            test -d {model}; a=0; b=0; [ -n "${FUSION_TEST_BLOB_CONNECTION+x}" ] && a=1; [ -n "${Fusion__Test__Redis+x}" ] && b=1
            echo "{\"blob\": $a, \"redis\": $b}"
            """,
            Generous,
            passedVariables: ["FUSION_TEST_BLOB_CONNECTION", "Fusion__Test__Redis"]);

        var metrics = await evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken);

        Assert.Equal(0, metrics["blob"]);
        Assert.Equal(0, metrics["redis"]);
    }

    [Fact]
    public async Task A_detached_child_is_killed_with_the_command_at_the_timeout()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "process groups through setsid(1) are for Linux");
        using var temp = new TempDirectory();
        var pidFile = temp.Combine("detached.pid");
        // The inner shell starts sleep in the background and exits at once: sleep's parent becomes init, so
        // it is no longer in the command's process tree; it still holds stdout open.
        var evaluator = new ExternalCommandEvaluator(
            $"test -d {{model}}; sh -c 'sleep 120 & echo $! > {ExternalCommandEvaluator.ShellQuote(pidFile)}'; sleep 120",
            // Long enough for the shells to start and write the pid file on a loaded machine, far short of sleep's 120 s.
            TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EvaluationException>(() => evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken));

        Assert.Contains("did not finish within 5 s and was killed", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await AssertGoneAsync(pid);
    }

    [Fact]
    public async Task Background_children_left_by_a_finished_command_are_killed_and_do_not_hold_its_output()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "process groups through setsid(1) are for Linux");
        using var temp = new TempDirectory();
        var pidFile = temp.Combine("left.pid");
        var evaluator = new ExternalCommandEvaluator(
            $"test -d {{model}}; sleep 120 & echo $! > {ExternalCommandEvaluator.ShellQuote(pidFile)}; echo '{{\"ok\": 1}}'",
            TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();

        var metrics = await evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken);

        Assert.Equal(1, metrics["ok"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        await AssertGoneAsync(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Endless_output_costs_bounded_memory_and_the_last_line_still_counts()
    {
        using var temp = new TempDirectory();
        // About 20 MB of log lines, then the metrics.
        var evaluator = new ExternalCommandEvaluator("test -d {model}; yes 'a log line that repeats' | head -c 20000000; echo; echo '{\"done\": 1}'", Generous);

        var metrics = await evaluator.EvaluateAsync(temp.Path, TestContext.Current.CancellationToken);

        Assert.Equal(1, metrics["done"]);
    }

    /// <summary>The process no longer runs: absent, or a zombie waiting for init to reap it.</summary>
    private static async Task AssertGoneAsync(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        for (var i = 0; i < 50; i++)
        {
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(')')[^1].TrimStart().StartsWith('Z'))
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"process {pid} ({File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')}) still runs after the command was killed");
    }
}

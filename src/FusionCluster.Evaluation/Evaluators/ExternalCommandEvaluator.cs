using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Runs a user's command on the model and reads its metrics: the command line goes to <c>/bin/sh -c</c>
/// with every <c>{model}</c> replaced by the model folder's full path, shell-quoted (when the command has no
/// placeholder, the quoted path is appended as its last argument). The last non-empty line of its stdout
/// must be a JSON object whose values are numbers, e.g. <c>{"accuracy": 0.91, "loss": 0.3}</c>; earlier
/// lines are free for logs. A non-zero exit, output that is not such an object, or running past the
/// timeout is an <see cref="EvaluationException"/> that quotes the command.
/// <para>
/// Containment, because a command is any shell line a sweep's author wrote: it sees a minimal environment
/// (PATH, HOME, <c>FUSION_MODEL</c> = the model folder, and only the variables it is given by name), not
/// the silo's (which holds storage and Redis secrets); it runs in a process group of its own (setsid),
/// killed as a whole at the timeout and after it exits, so a child it detached cannot outlive it or keep
/// its output open; only the last <see cref="StdoutKeptCharacters"/> characters of its stdout are kept.
/// Silos run it only when enabled (<see cref="CommandEvaluatorOptions"/>).
/// </para>
/// </summary>
public sealed class ExternalCommandEvaluator : IEvaluator
{
    public const string ModelPlaceholder = "{model}";

    /// <summary>The variable that holds the model folder's full path in the command's environment.</summary>
    public const string ModelVariable = "FUSION_MODEL";

    /// <summary>Stdout kept (its end, where the metrics line is); the rest is read and dropped.</summary>
    public const int StdoutKeptCharacters = 1 << 16;

    private const int StderrTailCharacters = 2000;
    private const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    private readonly string commandTemplate;
    private readonly TimeSpan timeout;
    private readonly string? workingDirectory;
    private readonly IReadOnlyCollection<string> passedVariables;
    private readonly bool inheritEnvironment;

    /// <param name="commandTemplate">The shell line, with <see cref="ModelPlaceholder"/> where the model path goes.</param>
    /// <param name="timeout">How long it may run; then its process group is killed.</param>
    /// <param name="workingDirectory">Where it runs (default: the current folder).</param>
    /// <param name="passedVariables">Variables of this process passed on by name, besides PATH and HOME.</param>
    /// <param name="inheritEnvironment">
    /// Pass this process's whole environment: only for a command the user runs themselves on their own
    /// machine (fusion eval --command), never on a silo.
    /// </param>
    public ExternalCommandEvaluator(
        string commandTemplate,
        TimeSpan timeout,
        string? workingDirectory = null,
        IReadOnlyCollection<string>? passedVariables = null,
        bool inheritEnvironment = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandTemplate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        this.commandTemplate = commandTemplate;
        this.timeout = timeout;
        this.workingDirectory = workingDirectory;
        this.passedVariables = passedVariables ?? [];
        this.inheritEnvironment = inheritEnvironment;
    }

    public string Name => "command";

    /// <summary>The shell command line for a model folder.</summary>
    public string CommandFor(string checkpointFolder)
    {
        var quoted = ShellQuote(Path.GetFullPath(checkpointFolder));
        return commandTemplate.Contains(ModelPlaceholder, StringComparison.Ordinal)
            ? commandTemplate.Replace(ModelPlaceholder, quoted, StringComparison.Ordinal)
            : $"{commandTemplate} {quoted}";
    }

    public async Task<IReadOnlyDictionary<string, double>> EvaluateAsync(string checkpointFolder, CancellationToken cancellationToken = default)
    {
        var command = CommandFor(checkpointFolder);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        SetEnvironment(start.Environment, Path.GetFullPath(checkpointFolder));
        ProcessGroup.Isolate(start);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new EvaluationException($"evaluation command could not start: {command}: {e.Message}", e);
        }

        // No input is offered; a command waiting for some sees end of file instead of hanging.
        process.StandardInput.Close();
        var stdout = BoundedTail.ReadAsync(process.StandardOutput, StdoutKeptCharacters);
        var stderr = BoundedTail.ReadAsync(process.StandardError, StderrTailCharacters);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string output, errors;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);

            // Whatever it left behind goes with it: a background child would otherwise keep running on
            // the silo and hold the pipes open.
            ProcessGroup.Kill(process);
            output = (await stdout.WaitAsync(deadline.Token).ConfigureAwait(false)).Text;
            errors = (await stderr.WaitAsync(deadline.Token).ConfigureAwait(false)).Text;
        }
        catch (OperationCanceledException)
        {
            ProcessGroup.Kill(process);
            process.WaitForExit(5000);
            cancellationToken.ThrowIfCancellationRequested();
            throw new EvaluationException($"evaluation command did not finish within {timeout.TotalSeconds:0.###} s and was killed: {command}");
        }

        if (process.ExitCode != 0)
        {
            throw new EvaluationException($"evaluation command exited with code {process.ExitCode}: {command}{StderrTail(errors)}");
        }

        return ParseMetrics(output, command);
    }

    /// <summary>Parses the last non-empty line of <paramref name="stdout"/> as a JSON object of numbers.</summary>
    public static IReadOnlyDictionary<string, double> ParseMetrics(string stdout, string command)
    {
        var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (line is null)
        {
            throw new EvaluationException($"evaluation command printed nothing on stdout; its last line must be a JSON object of metrics: {command}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new EvaluationException($"the last line of the evaluation command's stdout is not JSON ({e.Message}): {Shorten(line)}; command: {command}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new EvaluationException($"the last line of the evaluation command's stdout is JSON but not an object of metrics: {Shorten(line)}; command: {command}");
            }

            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var value) || !double.IsFinite(value))
                {
                    throw new EvaluationException($"metric '{property.Name}' from the evaluation command is {Shorten(property.Value.GetRawText())}; metric values must be finite numbers; command: {command}");
                }

                if (!metrics.TryAdd(property.Name, value))
                {
                    throw new EvaluationException($"metric '{property.Name}' appears twice in the evaluation command's output; command: {command}");
                }
            }

            return metrics;
        }
    }

    /// <summary>Whether <paramref name="name"/> is one of FusionCluster's own settings (FUSION_*, Fusion__*), never passed to a command.</summary>
    public static bool IsFusionSetting(string name) =>
        name.StartsWith("FUSION_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Fusion__", StringComparison.OrdinalIgnoreCase);

    /// <summary>Single-quotes a string for POSIX sh; a quote inside becomes '\''.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private void SetEnvironment(IDictionary<string, string?> environment, string modelFolder)
    {
        if (!inheritEnvironment)
        {
            environment.Clear();
            environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : DefaultPath;
            if (Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home)
            {
                environment["HOME"] = home;
            }

            // FusionCluster's own settings (FUSION_BLOB_CONNECTION, Fusion__Storage__Azure__..., FUSION_REDIS) are
            // never passed, whatever a request names: sweep files are checked too, but requests come from any client.
            foreach (var name in passedVariables.Where(n => !IsFusionSetting(n)))
            {
                if (Environment.GetEnvironmentVariable(name) is { } value)
                {
                    environment[name] = value;
                }
            }
        }

        environment[ModelVariable] = modelFolder;
    }

    private static string StderrTail(string stderr)
    {
        var trimmed = stderr.Trim();
        if (trimmed.Length == 0)
        {
            return " (no stderr)";
        }

        var tail = trimmed.Length > StderrTailCharacters ? "..." + trimmed[^StderrTailCharacters..] : trimmed;
        return new StringBuilder("; stderr: ").Append(tail).ToString();
    }

    /// <summary>
    /// At most 200 characters of the command's output, with control characters shown as \uXXXX: output is quoted in
    /// errors printed to a terminal, and binary output's escape sequences went to it as they were.
    /// </summary>
    private static string Shorten(string text)
    {
        var head = text.Length > 200 ? text[..200] : text;
        var shown = string.Concat(head.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length > 200 ? shown + "..." : shown;
    }
}

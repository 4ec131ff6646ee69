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
/// timeout (the process tree is then killed) is an <see cref="EvaluationException"/> that quotes the command.
/// </summary>
public sealed class ExternalCommandEvaluator : IEvaluator
{
    public const string ModelPlaceholder = "{model}";
    private const int StderrTailCharacters = 2000;

    private readonly string commandTemplate;
    private readonly TimeSpan timeout;
    private readonly string? workingDirectory;

    public ExternalCommandEvaluator(string commandTemplate, TimeSpan timeout, string? workingDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandTemplate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        this.commandTemplate = commandTemplate;
        this.timeout = timeout;
        this.workingDirectory = workingDirectory;
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
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string output, errors;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            // The pipes close only once every process that inherited them is gone (a backgrounded child
            // may hold them), so reading to the end is under the same deadline.
            output = await stdout.WaitAsync(deadline.Token).ConfigureAwait(false);
            errors = await stderr.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
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

    /// <summary>Single-quotes a string for POSIX sh; a quote inside becomes '\''.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
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

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "..." : text;
}

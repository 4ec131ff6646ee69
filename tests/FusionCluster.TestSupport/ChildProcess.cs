using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace FusionCluster.TestSupport;

/// <summary>
/// A process started by a test. Its stdout and stderr go, line by line, to a log file (kept for
/// post-mortems) and to memory, so tests can wait for a line and failures can quote the last lines.
/// Disposing kills it if it is still running; so does the end of the test process.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int HistoryLimit = 50_000;

    // Children outlive a test host that crashes or is stopped with Ctrl-C unless someone kills them.
    private static readonly ConcurrentDictionary<ChildProcess, byte> Running = new();

    private readonly Process process;
    private readonly Lock gate = new();
    private readonly List<string> history = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Found)> waiters = [];
    private StreamWriter? log;
    private int openStreams = 2;
    private bool outputClosed;
    private int? exitCodeAfterDispose;

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllRunning();

    private ChildProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        this.process = process;
        this.log = log;
        LogPath = logPath;
    }

    /// <summary>A short name for messages ("redis-server", "silo-1").</summary>
    public string Name { get; }

    public int Id { get; private set; }

    /// <summary>Where stdout and stderr are written, one line per output line.</summary>
    public string LogPath { get; }

    public bool HasExited => exitCodeAfterDispose is not null || process.HasExited;

    /// <summary>The exit status once the process has exited; for a process killed by a signal, 128 + the signal.</summary>
    public int ExitCode => exitCodeAfterDispose ?? process.ExitCode;

    /// <summary>
    /// Starts <paramref name="fileName"/>. An <paramref name="environment"/> value of null removes that
    /// variable from the inherited environment.
    /// </summary>
    public static ChildProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string logPath,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentException.ThrowIfNullOrEmpty(logPath);

        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var logStream = new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var log = new StreamWriter(logStream, new UTF8Encoding(false)) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log, logPath);
        process.OutputDataReceived += (_, e) => child.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnOutput(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            log.Dispose();
            process.Dispose();
            throw new InvalidOperationException($"{name}: could not start {fileName}: {e.Message}", e);
        }

        child.Id = process.Id;
        Running[child] = 0;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last <paramref name="lineCount"/> lines of output, for error messages.</summary>
    public string Tail(int lineCount = 40)
    {
        lock (gate)
        {
            return string.Join('\n', history.Skip(Math.Max(0, history.Count - lineCount)));
        }
    }

    /// <summary>Every output line so far (the most recent 50,000 when there were more).</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (gate)
        {
            return [.. history];
        }
    }

    /// <summary>
    /// The first output line, already printed or still to come, that matches <paramref name="predicate"/>.
    /// </summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>; the message quotes the output's tail.</exception>
    /// <exception cref="ChildProcessExitedException">The process ended first.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            var earlier = history.FirstOrDefault(predicate);
            if (earlier is not null)
            {
                return earlier;
            }

            if (outputClosed && HasExited)
            {
                throw ExitedBeforeLine();
            }

            waiters.Add((predicate, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {Id}) printed no expected line within {timeout.TotalSeconds:0.#} s; last output:\n{Tail()}");
        }
        finally
        {
            lock (gate)
            {
                waiters.RemoveAll(waiter => waiter.Found == found);
            }
        }
    }

    /// <summary>Sends a POSIX signal (see <see cref="UnixSignal"/>); false when the process is already gone.</summary>
    public bool Signal(int signal) => !HasExited && UnixSignal.Send(Id, signal);

    /// <summary>SIGTERM: asks the process to shut down gracefully.</summary>
    public bool Terminate() => Signal(UnixSignal.Terminate);

    /// <summary>SIGKILL to the process and its descendants: a crash, nothing gets to clean up.</summary>
    public void Kill()
    {
        if (exitCodeAfterDispose is not null)
        {
            return;
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited: nothing to kill.
        }
    }

    /// <summary>Waits for the process to exit and its output to drain; returns the exit code.</summary>
    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (exitCodeAfterDispose is { } exitCode)
        {
            return exitCode;
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {Id}) was still running after {timeout.TotalSeconds:0.#} s; last output:\n{Tail()}");
        }

        return process.ExitCode;
    }

    /// <summary>Kills the process if it still runs (use <see cref="Terminate"/> first for a graceful stop), then closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            // A process that ignores SIGKILL for 15 s is stuck in the kernel; nothing more to do here.
        }

        Running.TryRemove(this, out _);
        lock (gate)
        {
            log?.Dispose();
            log = null;
        }

        // Keeps HasExited and ExitCode answerable after the Process object is gone.
        exitCodeAfterDispose = process.HasExited ? process.ExitCode : -1;
        process.Dispose();
    }

    private static void KillAllRunning()
    {
        foreach (var child in Running.Keys)
        {
            child.Kill();
        }
    }

    private void OnOutput(string? line)
    {
        List<TaskCompletionSource<string>> matched = [];
        lock (gate)
        {
            if (line is null)
            {
                // One of the two streams reached end of file; the process ends soon after both have.
                if (--openStreams == 0)
                {
                    outputClosed = true;
                    _ = FailWaitersAfterExitAsync();
                }

                return;
            }

            log?.WriteLine(line);
            history.Add(line);
            if (history.Count > HistoryLimit)
            {
                history.RemoveRange(0, history.Count - HistoryLimit);
            }

            foreach (var waiter in waiters.Where(waiter => waiter.Predicate(line)))
            {
                matched.Add(waiter.Found);
            }
        }

        foreach (var found in matched)
        {
            found.TrySetResult(line);
        }
    }

    private async Task FailWaitersAfterExitAsync()
    {
        try
        {
            await process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Disposed meanwhile: DisposeAsync waited for the exit itself.
        }

        List<TaskCompletionSource<string>> pending;
        lock (gate)
        {
            pending = [.. waiters.Select(waiter => waiter.Found)];
        }

        foreach (var found in pending)
        {
            found.TrySetException(ExitedBeforeLine());
        }
    }

    private ChildProcessExitedException ExitedBeforeLine() =>
        new($"{Name} (pid {Id}) exited with code {ExitCode} before printing the expected line; last output:\n{Tail()}", ExitCode);
}

using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Console;

/// <summary>
/// Live progress on stderr: units done, throughput and ETA; one rewritten line on a terminal, otherwise (a log) a line
/// every 5 s, the first 5 s into the job, so that a short merge's log holds no progress line at all (it held one saying
/// 0 units done).
/// </summary>
public sealed class ProgressReporter
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private readonly bool quiet;
    private readonly TextWriter output;
    private readonly bool interactive;
    private readonly TimeProvider clock;
    private DateTimeOffset? lastLine;

    public ProgressReporter(bool quiet)
        : this(quiet, System.Console.Error, interactive: !System.Console.IsErrorRedirected, TimeProvider.System)
    {
    }

    /// <param name="interactive">Whether <paramref name="output"/> is a terminal, where one line is rewritten in place.</param>
    public ProgressReporter(bool quiet, TextWriter output, bool interactive, TimeProvider clock)
    {
        (this.quiet, this.output, this.interactive, this.clock) = (quiet, output, interactive, clock);
    }

    public void Report(JobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (quiet || status.State is not (JobState.Running or JobState.Publishing))
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (!interactive && (lastLine is null || now - lastLine < LogInterval))
        {
            // A log's first line waits one interval too, counted from the first report.
            lastLine ??= now;
            return;
        }

        lastLine = now;
        var rate = status.ElapsedSeconds > 0 ? status.BytesDone / status.ElapsedSeconds : 0;
        var remaining = rate > 0 ? TimeSpan.FromSeconds((status.BytesTotal - status.BytesDone) / rate) : (TimeSpan?)null;
        var fraction = status.UnitsTotal == 0 ? 0 : (double)status.UnitsDone / status.UnitsTotal;
        var bar = new string('#', (int)(fraction * 24)).PadRight(24, '.');
        var line = $"[{bar}] {status.UnitsDone}/{status.UnitsTotal} units  {Units.Bytes(status.BytesDone)}/{Units.Bytes(status.BytesTotal)} read  {Units.Bytes((long)rate)}/s  ETA {(remaining is { } r ? r.ToString(@"m\:ss") : "--")}";
        if (status.State == JobState.Publishing)
        {
            line = $"[{bar}] publishing ...";
        }

        output.Write(interactive ? $"\r{line,-100}" : line + Environment.NewLine);
    }

    public void Finish()
    {
        if (!quiet && interactive)
        {
            output.Write($"\r{new string(' ', 100)}\r");
        }
    }
}

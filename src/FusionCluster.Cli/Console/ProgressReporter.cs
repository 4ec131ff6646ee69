using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Console;

/// <summary>Live progress on stderr: units done, throughput and ETA; one rewritten line on a terminal, periodic lines otherwise.</summary>
public sealed class ProgressReporter(bool quiet)
{
    private readonly bool interactive = !System.Console.IsErrorRedirected;
    private DateTime lastLine = DateTime.MinValue;

    public void Report(JobStatus status)
    {
        if (quiet || status.State is not (JobState.Running or JobState.Publishing))
        {
            return;
        }

        var now = DateTime.UtcNow;
        if (!interactive && now - lastLine < TimeSpan.FromSeconds(5))
        {
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

        System.Console.Error.Write(interactive ? $"\r{line,-100}" : line + Environment.NewLine);
    }

    public void Finish()
    {
        if (!quiet && interactive)
        {
            System.Console.Error.Write($"\r{new string(' ', 100)}\r");
        }
    }
}

using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Logs;

/// <summary>
/// The newest log lines of this process, at most <see cref="Capacity"/> (the oldest go first), for operators
/// reading a silo's logs from the dashboard without a log stack. Thread-safe: every logger writes here.
/// </summary>
public sealed class SiloLogRing(int capacity = SiloLogRing.DefaultCapacity)
{
    public const int DefaultCapacity = 2000;

    /// <summary>Longer messages are cut, so one huge line cannot hold the ring's memory.</summary>
    public const int MaxMessageLength = 4000;

    private readonly SiloLogLine[] lines = new SiloLogLine[Math.Max(1, capacity)];
    private readonly Lock gate = new();
    private long written;

    public int Capacity => lines.Length;

    public void Add(SiloLogLine line)
    {
        if (line.Message.Length > MaxMessageLength)
        {
            line = line with { Message = string.Concat(line.Message.AsSpan(0, MaxMessageLength), " …(cut)") };
        }

        lock (gate)
        {
            lines[written % lines.Length] = line;
            written++;
        }
    }

    /// <summary>At most <paramref name="max"/> of the newest lines, oldest first.</summary>
    public IReadOnlyList<SiloLogLine> Recent(int max)
    {
        lock (gate)
        {
            var count = (int)Math.Min(Math.Min(written, lines.Length), Math.Max(0, max));
            var result = new SiloLogLine[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = lines[(written - count + i) % lines.Length];
            }

            return result;
        }
    }
}

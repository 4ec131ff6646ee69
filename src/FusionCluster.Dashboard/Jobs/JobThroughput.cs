using System.Globalization;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// A job's throughput while its page is open: input bytes per second between consecutive status
/// snapshots, on the job's own clock (its elapsed seconds), so slow page refreshes do not distort it.
/// </summary>
public sealed class JobThroughput
{
    public const int MaxPoints = 300;

    private readonly List<(string Label, double BytesPerSecond)> points = [];
    private double lastElapsed = -1;
    private long lastBytes;

    public IReadOnlyList<(string Label, double BytesPerSecond)> Points => points;

    /// <returns>True when a point was added.</returns>
    public bool Record(double elapsedSeconds, long bytesDone)
    {
        if (lastElapsed < 0 || elapsedSeconds < lastElapsed || bytesDone < lastBytes)
        {
            (lastElapsed, lastBytes) = (elapsedSeconds, bytesDone);
            return false;
        }

        var seconds = elapsedSeconds - lastElapsed;
        if (seconds < 0.2)
        {
            return false;
        }

        points.Add((string.Create(CultureInfo.InvariantCulture, $"{elapsedSeconds:0}s"), (bytesDone - lastBytes) / seconds));
        if (points.Count > MaxPoints)
        {
            points.RemoveAt(0);
        }

        (lastElapsed, lastBytes) = (elapsedSeconds, bytesDone);
        return true;
    }
}

using System.Globalization;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// A job's throughput: input bytes per second between consecutive samples, on the job's own clock (its
/// elapsed seconds), so slow page refreshes do not distort it. Starts from the samples the job kept
/// (<see cref="Load"/>: the whole run, also after it finished), then grows with the page's own status snapshots.
/// </summary>
public sealed class JobThroughput
{
    /// <summary>As many as a job keeps (600), so a finished job's whole kept curve shows.</summary>
    public const int MaxPoints = 600;

    private readonly List<(string Label, double BytesPerSecond)> points = [];
    private readonly List<double> elapsed = [];
    private double lastElapsed = -1;
    private long lastBytes;

    public IReadOnlyList<(string Label, double BytesPerSecond)> Points => points;

    /// <summary>The same points on a numeric axis: the job's elapsed seconds at each (for charts that overlay jobs).</summary>
    public IReadOnlyList<(double ElapsedSeconds, double BytesPerSecond)> Curve => [.. elapsed.Zip(points, (e, p) => (e, p.BytesPerSecond))];

    /// <summary>Starts over from the job's kept samples (oldest first).</summary>
    public void Load(IReadOnlyList<JobMetricSample> samples)
    {
        points.Clear();
        elapsed.Clear();
        (lastElapsed, lastBytes) = (-1, 0);
        foreach (var sample in samples)
        {
            Record(sample.ElapsedSeconds, sample.BytesDone);
        }
    }

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
        elapsed.Add(elapsedSeconds);
        if (points.Count > MaxPoints)
        {
            points.RemoveAt(0);
            elapsed.RemoveAt(0);
        }

        (lastElapsed, lastBytes) = (elapsedSeconds, bytesDone);
        return true;
    }
}

using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// A job's attempts laid out over time: one lane per silo (by name), and within it one row per attempt running
/// at the same time (each attempt takes the first row free at its start), so a silo's lane is as tall as its
/// concurrency. Times are seconds since the job was submitted; a running attempt ends at <c>now</c>. At most
/// <see cref="MaxBars"/> attempts (the newest) are laid out, so a 10,000-unit job stays a drawing, not a wall.
/// </summary>
public sealed class JobTimeline
{
    public const int MaxBars = 3000;

    private JobTimeline(IReadOnlyList<TimelineLane> lanes, IReadOnlyList<TimelineBar> bars, IReadOnlyList<TimelineMarker> markers, double seconds, int omitted)
    {
        Lanes = lanes;
        Bars = bars;
        Markers = markers;
        Seconds = seconds;
        Omitted = omitted;
    }

    public IReadOnlyList<TimelineLane> Lanes { get; }

    public IReadOnlyList<TimelineBar> Bars { get; }

    public IReadOnlyList<TimelineMarker> Markers { get; }

    /// <summary>Seconds from submission to the last attempt's end (or now): the width of the drawing.</summary>
    public double Seconds { get; }

    /// <summary>Older attempts left out beyond <see cref="MaxBars"/>.</summary>
    public int Omitted { get; }

    public int Rows => Lanes.Count == 0 ? 0 : Lanes[^1].FirstRow + Lanes[^1].Rows;

    public static JobTimeline Build(IReadOnlyList<UnitCell> cells, DateTimeOffset submittedAt, DateTimeOffset now, int maxBars = MaxBars)
    {
        var attempts = cells.SelectMany(c => c.History.Select(a => (Cell: c, Attempt: a))).OrderBy(a => a.Attempt.StartedAt).ToList();
        var omitted = Math.Max(0, attempts.Count - maxBars);
        attempts = attempts.Skip(omitted).ToList();

        double At(DateTimeOffset time) => Math.Max(0, (time - submittedAt).TotalSeconds);

        var bars = new List<TimelineBar>(attempts.Count);
        var lanes = new List<TimelineLane>();
        var firstRow = 0;
        foreach (var silo in attempts.GroupBy(a => a.Attempt.Silo, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rowEnds = new List<double>();
            foreach (var (cell, attempt) in silo)
            {
                var start = At(attempt.StartedAt);
                var end = Math.Max(start, At(attempt.EndedAt ?? now));
                var row = rowEnds.FindIndex(e => e <= start);
                if (row < 0)
                {
                    row = rowEnds.Count;
                    rowEnds.Add(end);
                }
                else
                {
                    rowEnds[row] = end;
                }

                var outcome = attempt.EndedAt is null ? UnitAttemptOutcome.Running : attempt.Outcome;
                bars.Add(new TimelineBar(cell.Index, cell.Name, attempt.Attempt, silo.Key, firstRow + row, start, end, outcome, attempt.Reason));
            }

            lanes.Add(new TimelineLane(silo.Key, firstRow, rowEnds.Count));
            firstRow += rowEnds.Count;
        }

        var markers = new List<TimelineMarker> { new(0, "submitted") };
        foreach (var phase in attempts.GroupBy(a => a.Cell.Phase, StringComparer.Ordinal).OrderBy(g => g.First().Attempt.StartedAt))
        {
            markers.Add(new TimelineMarker(At(phase.First().Attempt.StartedAt), $"{phase.Key} phase starts"));
        }

        var seconds = bars.Count == 0 ? 0 : bars.Max(b => b.End);
        if (bars.Count > 0 && bars.All(b => b.Outcome != UnitAttemptOutcome.Running))
        {
            markers.Add(new TimelineMarker(seconds, "last unit ends"));
        }

        return new JobTimeline(lanes, bars, markers, seconds, omitted);
    }
}

using FusionCluster.Dashboard.Formatting;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>One line of the job list: the catalog's entry with the derived columns the list sorts by.</summary>
public sealed record JobRow(JobSummary Job)
{
    public string JobId => Job.JobId;

    public JobState State => Job.State;

    public int Percent { get; } = Display.Percent(Job.UnitsDone, Job.UnitsTotal);

    /// <summary>Seconds left; jobs without an estimate sort after every estimate.</summary>
    public double EtaSortKey { get; } = Display.EtaSeconds(Job.State, Job.UnitsDone, Job.UnitsTotal, Job.ElapsedSeconds) ?? double.MaxValue;

    public string Eta => Display.Eta(Job.State, Job.UnitsDone, Job.UnitsTotal, Job.ElapsedSeconds);

    public long Bytes => Job.BytesTotal;

    public string Method => Job.Method;

    public string SubmittedBy => Job.SubmittedBy;

    public DateTimeOffset SubmittedAt => Job.SubmittedAt;

    /// <summary>Sweeps submit their candidates' merges as "sweep &lt;id&gt;".</summary>
    public bool IsSweepCandidate => Job.SubmittedBy.StartsWith(SweepPrefix, StringComparison.Ordinal);

    /// <summary>The sweep that submitted the job; empty for jobs people submitted.</summary>
    public string Sweep => IsSweepCandidate ? Job.SubmittedBy[SweepPrefix.Length..] : "";

    /// <summary>How long it ran (or has been running).</summary>
    public double Duration => Job.ElapsedSeconds;

    /// <summary>The first line of a failed job's error, short enough for a column (the whole text is its tooltip).</summary>
    public string FailureReason { get; } = Job.Error is { Length: > 0 } error ? Shorten(error) : "";

    private const string SweepPrefix = "sweep ";

    private static string Shorten(string error)
    {
        var line = error.ReplaceLineEndings("\n").Split('\n')[0].Trim();
        return line.Length <= 120 ? line : string.Concat(line.AsSpan(0, 119), "…");
    }

    /// <summary>Case-insensitive search over id, spec name, method, submitter, output and error.</summary>
    public bool Matches(string search) =>
        search.Length == 0
        || Job.JobId.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.SpecName.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.Method.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.SubmittedBy.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.Output.Contains(search, StringComparison.OrdinalIgnoreCase)
        || (Job.Error?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false);
}

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

    /// <summary>Case-insensitive search over id, spec name, method, submitter and output.</summary>
    public bool Matches(string search) =>
        search.Length == 0
        || Job.JobId.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.SpecName.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.Method.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.SubmittedBy.Contains(search, StringComparison.OrdinalIgnoreCase)
        || Job.Output.Contains(search, StringComparison.OrdinalIgnoreCase);
}

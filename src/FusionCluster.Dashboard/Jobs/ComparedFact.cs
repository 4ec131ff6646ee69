using FusionCluster.Dashboard.Sweeps;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>One line of two jobs side by side: each job's value as it reads, and the change where it has one.</summary>
/// <param name="Delta">The signed change ("+12.0 s", "−3.2 MiB/s"), null where the values are not numbers or are the same.</param>
public sealed record ComparedFact(string Name, string First, string Second, string? Delta, DeltaVerdict Verdict)
{
    public bool Differs => Verdict is DeltaVerdict.Better or DeltaVerdict.Worse or DeltaVerdict.Changed;
}

namespace FusionCluster.Core.Sweeps;

/// <summary>What a finished run keeps: a copy of its best merge in &lt;out&gt;/best, and the last <see cref="KeepRuns"/> runs.</summary>
public sealed record PromotePolicy(bool CopyBest, int KeepRuns)
{
    public static PromotePolicy Default { get; } = new(CopyBest: true, KeepRuns: 5);
}

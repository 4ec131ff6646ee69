using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>Everything a worker needs to run one unit, without the rest of the plan.</summary>
public sealed record UnitAssignment(
    string JobId,
    string Method,
    IReadOnlyDictionary<string, string> ModelPaths,
    IReadOnlyList<string> ShardFiles,
    string OutputLocation,
    WorkUnit Unit)
{
    public static UnitAssignment For(string jobId, MergePlan plan, WorkUnit unit, string outputLocation) =>
        new(jobId, plan.Method, plan.ModelPaths, plan.Shards.Select(s => s.FileName).ToList(), outputLocation, unit);
}

using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>Everything a worker needs to run one unit, without the rest of the plan.</summary>
/// <param name="Device">The job's resolved device (<see cref="MergeDevices"/>): the same for every unit of a job.</param>
public sealed record UnitAssignment(
    string JobId,
    string Method,
    IReadOnlyDictionary<string, string> ModelPaths,
    IReadOnlyList<string> ShardFiles,
    string OutputLocation,
    WorkUnit Unit,
    string Device = MergeDevices.Cpu)
{
    public static UnitAssignment For(string jobId, MergePlan plan, WorkUnit unit, string outputLocation, string device = MergeDevices.Cpu) =>
        new(jobId, plan.Method, plan.ModelPaths, plan.Shards.Select(s => s.FileName).ToList(), outputLocation, unit, device);
}

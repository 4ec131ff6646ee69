using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains;

/// <summary>
/// Runs one unit off the Orleans scheduler (the work is long and CPU-bound), then lets the activation go:
/// the unit's result lives in the output file, not in the grain.
/// </summary>
public sealed class WorkUnitGrain(WorkUnitExecutor executor) : Grain, IWorkUnitGrain
{
    public async Task<UnitResult> Execute(UnitAssignment assignment, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Task.Run(() => executor.Execute(assignment, cancellationToken), cancellationToken);
        }
        finally
        {
            DeactivateOnIdle();
        }
    }
}

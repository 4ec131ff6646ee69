using FusionCluster.Core.Execution;

namespace FusionCluster.Grains.Abstractions;

/// <summary>Runs one work unit of a job, keyed "&lt;job&gt;/&lt;unit&gt;".</summary>
[Alias("fc.IWorkUnitGrain")]
public interface IWorkUnitGrain : IGrainWithStringKey
{
    [Alias("Execute")]
    [ResponseTimeout("02:00:00")]
    Task<UnitResult> Execute(UnitAssignment assignment, CancellationToken cancellationToken = default);
}

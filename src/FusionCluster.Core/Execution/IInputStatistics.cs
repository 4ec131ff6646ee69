using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Execution;

/// <summary>
/// The statistics side of unit execution, which needs forward and backward passes and so lives outside Core
/// (FusionCluster.Evaluation): running a unit of the statistics phase, and reading the statistics it left.
/// </summary>
public interface IInputStatistics
{
    /// <summary>Runs a statistics unit (<see cref="UnitAssignment.StatisticsModel"/> set), stores its result in the job's staging, and returns its (small) phase result.</summary>
    Task<string> ComputeAsync(UnitAssignment assignment, CancellationToken cancellationToken);

    /// <summary>
    /// For a merge unit of a data-aware job: every model's statistics, read from the results in
    /// <see cref="UnitAssignment.StatisticsResults"/>; a function from (model, tensor) to the model's statistics of
    /// that tensor, or null when it has none.
    /// </summary>
    Task<Func<string, string, TensorSource?>> OpenAsync(UnitAssignment assignment, CancellationToken cancellationToken);
}

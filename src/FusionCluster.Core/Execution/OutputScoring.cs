using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Sent with a job whose units score their candidates instead of writing them (a sweep with
/// <c>outputs: {publish: best}</c>): the <c>tensors</c> evaluator's reference models (name and local folder, in the
/// evaluator's order) and base. Each unit computes every output tensor in memory, in the output dtype, and returns
/// its metric sums (<see cref="TensorScore"/>); the job combines them in the output's tensor order.
/// </summary>
public sealed record OutputScoring(IReadOnlyList<string> CompareNames, IReadOnlyList<string> CompareFolders, string? BaseFolder)
{
    /// <summary>
    /// When set, the job also publishes its best candidate by this objective (ties to the lower index), written while
    /// it scores: each scoring unit writes the candidate leading by the units scored before it
    /// (<see cref="UnitAssignment.WriteCandidate"/>), and a last phase writes the best's units that were written for
    /// another. Null: the job publishes nothing.
    /// </summary>
    public SweepObjective? PublishBest { get; init; }
}

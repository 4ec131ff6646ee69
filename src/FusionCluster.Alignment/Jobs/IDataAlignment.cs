using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Repair;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Alignment.Jobs;

/// <summary>
/// The parts of a job's alignment that run the models forward on the plan's dataset: activation_matching
/// and REPAIR. A forward pass needs TorchSharp, which this project does not have;
/// FusionCluster.Connectivity implements it and the silo registers it. The same inputs give the same result.
/// </summary>
public interface IDataAlignment
{
    /// <summary>
    /// The permutations that align <paramref name="model"/> to <paramref name="reference"/>, in the same
    /// structure weight matching leaves, so the merge phase reads them alike.
    /// </summary>
    Task<AlignmentResult> MatchAsync(AlignPlan plan, ICheckpoint reference, ICheckpoint model, string modelName, CancellationToken cancellationToken);

    /// <summary>
    /// REPAIR's correction of every hidden layer of the interpolation (1 − α)·reference + α·permuted model
    /// (α = <see cref="AlignPlan.RepairAlpha"/>), measured on the plan's samples.
    /// </summary>
    Task<IReadOnlyList<UnitCorrection>> RepairAsync(
        AlignPlan plan, ICheckpoint reference, ICheckpoint model, string modelName, IReadOnlyDictionary<string, int[]> permutations, CancellationToken cancellationToken);
}

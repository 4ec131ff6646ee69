using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>
/// The alignment side of unit execution, which lives outside Core (FusionCluster.Alignment): running a unit
/// of the alignment phase, and reading an aligned model's tensors through the permutations that phase found.
/// </summary>
public interface IInputAlignment
{
    /// <summary>Runs an alignment unit (<see cref="UnitAssignment.AlignModel"/> set) and returns its phase result.</summary>
    Task<string> AlignAsync(UnitAssignment assignment, CancellationToken cancellationToken);

    /// <summary>
    /// How a merge unit reads <paramref name="model"/>'s stored tensors: a function that wraps each one
    /// opened, or null when the model is read as stored (the reference, or a job without alignment).
    /// </summary>
    Task<Func<StoredTensor, StoredTensor>?> ViewAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken);
}

using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Methods;

/// <summary>
/// A method whose result is more than one checkpoint (emr's per-task masks): it lays out its extra files at plan
/// time, after the checkpoint's shards, and writes them through <see cref="MergeTensorContext.Sidecars"/>.
/// </summary>
public interface ISidecarMergeMethod : IMergeMethod
{
    /// <summary>The extra files, numbered from <paramref name="firstShard"/>, and the placed tensors with their <see cref="TensorPlan.Sidecars"/> set.</summary>
    (IReadOnlyList<OutputShard> Shards, IReadOnlyList<TensorPlan> Tensors) LaySidecars(IReadOnlyList<TensorPlan> tensors, int firstShard);
}

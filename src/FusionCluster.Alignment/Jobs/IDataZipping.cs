using FusionCluster.Alignment.Zipping;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Alignment.Jobs;

/// <summary>
/// ZipIt! inside a merge job: correlating both classifiers' features on the plan's dataset needs their forward
/// pass (TorchSharp), which FusionCluster.Connectivity implements next to <see cref="IDataAlignment"/>. The same
/// inputs give the same clusters on any silo.
/// </summary>
public interface IDataZipping
{
    /// <summary>Each zipped hidden layer's clusters (the first <see cref="AlignPlan.ZipLayers"/>, else all) of the reference's (first) and the model's (second) features.</summary>
    Task<IReadOnlyList<ZippedGroup>> ZipAsync(AlignPlan plan, ICheckpoint reference, ICheckpoint model, string modelName, CancellationToken cancellationToken);
}

using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// A merge method that needs each input model's data (RegMean, Fisher, AdaMerging), merging whole backbones
/// in-process with its statistics from <see cref="MergeStatistics"/>. No command runs these any more (the multi-task
/// benchmark's data-aware rows are merge jobs); they are the second implementation the jobs' tests compare with.
/// </summary>
public interface IDataAwareMergeMethod
{
    /// <summary>The method's name, as a benchmark lists it.</summary>
    string Name { get; }

    /// <summary>The merged backbone (dispose it), with the tensor names and shapes of the inputs.</summary>
    NamedTensors Merge(DataAwareMergeInputs inputs, CancellationToken cancellationToken = default);
}

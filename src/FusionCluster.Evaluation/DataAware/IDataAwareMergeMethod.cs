using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// A merge method that needs each input model's data (RegMean, Fisher, AdaMerging). The closest fit to
/// <see cref="Core.Methods.IMergeMethod"/> for now: it merges whole backbones in-process, and its statistics
/// come from <see cref="MergeStatistics"/>, the step meant to become the units of a statistics phase.
/// </summary>
public interface IDataAwareMergeMethod
{
    /// <summary>The method's name, as a benchmark lists it.</summary>
    string Name { get; }

    /// <summary>The merged backbone (dispose it), with the tensor names and shapes of the inputs.</summary>
    NamedTensors Merge(DataAwareMergeInputs inputs, CancellationToken cancellationToken = default);
}

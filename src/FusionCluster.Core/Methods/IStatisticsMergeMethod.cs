namespace FusionCluster.Core.Methods;

/// <summary>
/// A merge method that reads, besides each model's tensor, statistics of that model on its own data
/// (<see cref="ModelTensor.Statistics"/>): Gram matrices for RegMean, diagonal Fishers for Fisher merging. A job
/// with such a method runs a statistics phase first, one unit per model, and its merge units read the results.
/// </summary>
public interface IStatisticsMergeMethod : IMergeMethod
{
    /// <summary>What the statistics phase computes per model: one of <see cref="StatisticsKinds"/>.</summary>
    string StatisticsKind { get; }
}

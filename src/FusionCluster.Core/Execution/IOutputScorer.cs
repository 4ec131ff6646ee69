using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>Scores output tensors a unit computed but did not write (<see cref="OutputScoring"/>); implemented where the evaluators live.</summary>
public interface IOutputScorer
{
    /// <summary>
    /// The metric sums of one output tensor, given its bytes exactly as they would have been written (the output
    /// dtype's); null for a tensor the evaluator skips (not floating point).
    /// </summary>
    string? Score(OutputScoring scoring, TensorPlan tensor, ReadOnlyMemory<byte> outputBytes);
}

using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>Scores output tensors a unit computed but did not write (<see cref="OutputScoring"/>); implemented where the evaluators live.</summary>
public interface IOutputScorer
{
    /// <summary>
    /// The metric sums of one output tensor as computed by each of several candidates, given each candidate's bytes
    /// exactly as they would have been written (the output dtype's), in the same order; nulls for a tensor the
    /// evaluator skips (not floating point). The references are read once for all the candidates.
    /// </summary>
    /// <param name="groups">Runs of candidates scored at once, one per core of the unit's share (<see cref="CandidateGroups"/>).</param>
    IReadOnlyList<string?> Score(OutputScoring scoring, TensorPlan tensor, IReadOnlyList<ReadOnlyMemory<byte>> outputs, int groups);

    /// <summary>
    /// Starts scoring one output tensor of several candidates whose values are fed chunk by chunk (the same sums as
    /// <see cref="Score"/> on their bytes); null for a tensor the evaluator skips. A base or reference found in
    /// <paramref name="decoded"/> is read from there, chunk by chunk as the candidates' inputs were read.
    /// </summary>
    IOutputChunkScorer? Begin(OutputScoring scoring, TensorPlan tensor, int candidates, DecodedInputs? decoded = null);
}

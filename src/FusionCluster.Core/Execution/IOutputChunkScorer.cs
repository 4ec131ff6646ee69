namespace FusionCluster.Core.Execution;

/// <summary>Scores several candidates' values of one output tensor fed chunk by chunk in element order, without holding the tensor.</summary>
public interface IOutputChunkScorer : IDisposable
{
    /// <summary>
    /// Elements [start, start + length) of every candidate, in the candidates' order (candidate k's are <c>outputs[k][..length]</c>),
    /// as they would read back from the written tensor (already rounded to the output dtype).
    /// </summary>
    void Add(long start, int length, IReadOnlyList<float[]> outputs);

    /// <summary>Each candidate's metric sums, as <see cref="IOutputScorer.Score"/> would give them, once every element was added.</summary>
    IReadOnlyList<string> Complete();
}

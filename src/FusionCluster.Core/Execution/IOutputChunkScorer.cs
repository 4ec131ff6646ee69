namespace FusionCluster.Core.Execution;

/// <summary>Scores several candidates' values of one output tensor fed chunk by chunk in element order, without holding the tensor.</summary>
public interface IOutputChunkScorer : IDisposable
{
    /// <summary>
    /// Starts elements [start, start + length): chunks come in element order, each once every candidate's values of the
    /// last one were added.
    /// </summary>
    void BeginChunk(long start, int length);

    /// <summary>
    /// Elements [start, start + length) of the current chunk of candidates <paramref name="firstCandidate"/> onwards (candidate
    /// <c>firstCandidate + j</c>'s are <c>values[j][..length]</c>), as they would read back from the written tensor (already
    /// rounded to the output dtype). Each candidate's values come in element order; calls for disjoint candidates may run
    /// at once, so a caller can score a cache-sized block of several candidates while it is hot.
    /// </summary>
    void Add(int firstCandidate, long start, int length, IReadOnlyList<float[]> values);

    /// <summary>Each candidate's metric sums, as <see cref="IOutputScorer.Score"/> would give them, once every element was added.</summary>
    IReadOnlyList<string> Complete();
}

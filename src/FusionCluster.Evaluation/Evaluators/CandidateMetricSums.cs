using System.Buffers;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Several candidates' <see cref="TensorMetricSums"/> of one tensor, fed their values chunk by chunk in element order:
/// the base and each reference are decoded once per chunk for all of them (<see cref="BeginChunk"/>), and the sums of a
/// reference alone (<c>|r|²</c>, <c>|r - b|²</c>, its non-zero task deltas) are added once, along with one candidate's
/// values, and copied to every candidate at the end. Within a chunk a caller adds the candidates block by block
/// (<see cref="AddCandidates"/>), so a block of the references stays in cache while every
/// candidate of a group reads it; groups of candidates may run concurrently. Each sum is fed by one candidate's calls in
/// element order, in <see cref="LaneSums"/>' lane order, so the bits depend neither on the chunk and block sizes nor on
/// the threads.
/// </summary>
public sealed class CandidateMetricSums : IDisposable
{
    /// <summary>Elements a candidate's sums take at a time: its values and the references' block stay in the core's cache (16 KiB each).</summary>
    public const int BlockElements = 4096;

    private readonly TensorSource? baseValues;
    private readonly IReadOnlyList<TensorSource> references;
    private readonly TensorMetricSums[] sums;

    /// <summary>The sums of each reference (and the base) alone, copied to every candidate by <see cref="Complete"/>.</summary>
    private readonly TensorComparisonSums[] referenceOnly;

    /// <summary>Per candidate, the element its next values start at.</summary>
    private readonly long[] candidateNext;
    private float[] baseBuffer = [];
    private float[][] referenceBuffers = [];

    /// <summary>The current chunk's base and references: the buffers above, or a lending source's own arrays (<see cref="ChunkLending"/>).</summary>
    private float[] baseChunk = [];
    private float[][] referenceChunks = [];
    private int capacity;
    private long chunkStart;
    private long chunkEnd;

    /// <param name="references">Each reference's tensor, in reference order.</param>
    public CandidateMetricSums(int candidates, long elements, TensorSource? baseValues, IReadOnlyList<TensorSource> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentOutOfRangeException.ThrowIfNegative(candidates);
        Elements = elements;
        this.baseValues = baseValues;
        this.references = references;
        sums = Enumerable.Range(0, candidates).Select(_ => new TensorMetricSums(references.Count, baseValues is not null)).ToArray();
        foreach (var s in sums)
        {
            s.BeginTensor();
        }

        referenceOnly = references.Select(_ => new TensorComparisonSums()).ToArray();
        candidateNext = new long[candidates];
    }

    public long Elements { get; }

    public int Candidates => sums.Length;

    /// <summary>
    /// Starts elements [start, start + length): reads the base's and references' values there. Chunks come in element order,
    /// each once every candidate's values of the last one were added.
    /// </summary>
    public void BeginChunk(long start, int length, CancellationToken cancellationToken = default)
    {
        if (start != chunkEnd || length < 0 || start + length > Elements)
        {
            throw new ArgumentException($"expected elements from {chunkEnd} of {Elements}, got [{start}, {start + length})");
        }

        var behind = Array.FindIndex(candidateNext, next => next != chunkEnd);
        if (behind >= 0)
        {
            throw new InvalidOperationException($"candidate {behind} has values up to element {candidateNext[behind]}, not to {chunkEnd} where the next chunk starts");
        }

        Grow(length);
        var firstReference = baseValues is null ? 0 : 1;
        Parallel.For(0, firstReference + references.Count, new ParallelOptions { CancellationToken = cancellationToken }, s =>
        {
            if (s < firstReference)
            {
                baseChunk = ChunkLending.Read(baseValues!, start, length, baseBuffer);
            }
            else
            {
                referenceChunks[s - firstReference] = ChunkLending.Read(references[s - firstReference], start, length, referenceBuffers[s - firstReference]);
            }
        });
        (chunkStart, chunkEnd) = (start, start + length);
    }

    /// <summary>
    /// Adds elements [start, start + length) of the current chunk of candidates <paramref name="firstCandidate"/> onwards
    /// (candidate <c>firstCandidate + j</c>'s values are <c>values[j][..length]</c>), each continuing where its last values
    /// ended. Calls for disjoint candidates may run at once.
    /// </summary>
    public void AddCandidates(int firstCandidate, long start, int length, IReadOnlyList<float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        AddBlock(firstCandidate, values, 0, start, length);
    }

    /// <summary>
    /// Adds elements [start, start + length) of every candidate (candidate k's values are <c>models[k][..length]</c>) as one
    /// chunk; chunks come in element order.
    /// </summary>
    /// <param name="groups">Runs of candidates added at once, each on a thread of its own (at least 1, at most one per candidate).</param>
    public void Add(long start, int length, IReadOnlyList<float[]> models, int groups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count != sums.Length)
        {
            throw new ArgumentException($"values of {models.Count} candidates for sums of {sums.Length}", nameof(models));
        }

        BeginChunk(start, length, cancellationToken);
        // At least one run, which adds nothing when there are no candidates (as the chunked path allows).
        groups = Math.Max(1, Math.Min(groups, sums.Length));
        Parallel.For(0, groups, new ParallelOptions { CancellationToken = cancellationToken }, g =>
        {
            var (first, count) = CandidateGroups.Of(g, groups, sums.Length);
            var group = models.Skip(first).Take(count).ToArray();
            for (var offset = 0; offset < length; offset += BlockElements)
            {
                AddBlock(first, group, offset, start + offset, Math.Min(BlockElements, length - offset));
            }
        });
    }

    /// <summary>The candidates' sums, once every element was added.</summary>
    public IReadOnlyList<TensorMetricSums> Complete()
    {
        var behind = Array.FindIndex(candidateNext, next => next != Elements);
        if (chunkEnd != Elements || behind >= 0)
        {
            throw new InvalidOperationException($"only {(behind >= 0 ? candidateNext[behind] : chunkEnd)} of {Elements} elements were added");
        }

        foreach (var candidate in sums)
        {
            for (var reference = 0; reference < references.Count; reference++)
            {
                candidate.Reference(reference).CopyReferenceSums(referenceOnly[reference]);
            }
        }

        return sums;
    }

    public void Dispose()
    {
        Return();
    }

    /// <summary>Candidate <c>firstCandidate + j</c>'s values are <c>values[j][valuesOffset..][..length]</c>.</summary>
    private void AddBlock(int firstCandidate, IReadOnlyList<float[]> values, int valuesOffset, long start, int length)
    {
        if (firstCandidate < 0 || firstCandidate + values.Count > sums.Length || start < chunkStart || length < 0 || start + length > chunkEnd)
        {
            throw new ArgumentException(
                $"candidates {firstCandidate} to {firstCandidate + values.Count - 1} of {sums.Length}, elements [{start}, {start + length}): outside the chunk [{chunkStart}, {chunkEnd})");
        }

        var behind = Array.FindIndex(candidateNext, firstCandidate, values.Count, next => next != start);
        if (behind >= 0)
        {
            throw new ArgumentException($"candidate {behind}: expected elements from {candidateNext[behind]}, got [{start}, {start + length})");
        }

        var offset = (int)(start - chunkStart);
        var hasBase = baseValues is not null;
        var b = hasBase ? baseChunk.AsSpan(offset, length) : default;
        for (var r = 0; r < references.Count; r++)
        {
            // Once per element for all candidates, along with the calls of the candidate that carries this reference's sums
            // (so in element order); references spread over the candidates, so concurrent groups share the work.
            var carrier = r * sums.Length / references.Count;
            if (carrier >= firstCandidate && carrier < firstCandidate + values.Count)
            {
                referenceOnly[r].AddReferenceOnly(start, referenceChunks[r].AsSpan(offset, length), b, hasBase);
            }
        }

        CandidateSums.Add(new ArraySegment<TensorMetricSums>(sums, firstCandidate, values.Count), values, valuesOffset, length, b, referenceChunks, offset);

        for (var j = 0; j < values.Count; j++)
        {
            candidateNext[firstCandidate + j] = start + length;
        }
    }

    private void Grow(int length)
    {
        if (capacity >= length && capacity > 0)
        {
            return;
        }

        Return();
        capacity = Math.Max(1, length);
        baseBuffer = ArrayPool<float>.Shared.Rent(capacity);
        referenceBuffers = references.Select(_ => ArrayPool<float>.Shared.Rent(capacity)).ToArray();
        referenceChunks = new float[references.Count][];
    }

    private void Return()
    {
        foreach (var buffer in referenceBuffers.Append(baseBuffer).Where(b => b.Length > 0))
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        (baseBuffer, referenceBuffers, baseChunk, referenceChunks) = ([], [], [], []);
        capacity = 0;
    }
}

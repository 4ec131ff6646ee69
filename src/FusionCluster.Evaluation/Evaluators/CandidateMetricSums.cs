using System.Buffers;
using FusionCluster.Core.Methods;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Several candidates' <see cref="TensorMetricSums"/> of one tensor, fed their values chunk by chunk in element order:
/// the base and each reference are decoded once per chunk for all of them, and the sums of a reference alone
/// (<c>|r|²</c>, <c>|r - b|²</c>, its non-zero task deltas) are added with the first candidate's and copied to the
/// others at the end. The sums follow <see cref="LaneSums"/>' lane order, so they do not depend on the chunk sizes.
/// </summary>
public sealed class CandidateMetricSums : IDisposable
{
    private readonly TensorSource? baseValues;
    private readonly IReadOnlyList<TensorSource> references;
    private readonly TensorMetricSums[] sums;
    private float[] baseBuffer = [];
    private float[][] referenceBuffers = [];
    private int capacity;
    private long next;

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
    }

    public long Elements { get; }

    /// <summary>Adds elements [start, start + length) of every candidate (candidate k's values are <c>models[k][..length]</c>); chunks come in element order.</summary>
    public void Add(long start, int length, IReadOnlyList<float[]> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (start != next || length < 0 || start + length > Elements || models.Count != sums.Length)
        {
            throw new ArgumentException($"expected elements from {next} of {Elements} for {sums.Length} candidates, got [{start}, {start + length}) for {models.Count}");
        }

        Grow(length);
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        var firstReference = baseValues is null ? 0 : 1;
        Parallel.For(0, firstReference + references.Count, options, s =>
        {
            if (s < firstReference)
            {
                baseValues!.Read(start, baseBuffer.AsSpan(0, length));
            }
            else
            {
                references[s - firstReference].Read(start, referenceBuffers[s - firstReference].AsSpan(0, length));
            }
        });

        // Per model, its norms (-1) and each reference's sums: independent accumulators, each fed the chunks in element
        // order on whichever thread, so the bits do not depend on running them in parallel.
        var perModel = 1 + references.Count;
        Parallel.For(0, models.Count * perModel, options, a =>
        {
            var model = a / perModel;
            var reference = (a % perModel) - 1;
            var m = models[model].AsSpan(0, length);
            var b = baseValues is null ? default : baseBuffer.AsSpan(0, length);
            if (reference < 0)
            {
                sums[model].AddModel(m, b);
            }
            else
            {
                sums[model].AddReference(reference, m, referenceBuffers[reference].AsSpan(0, length), b, referenceSums: model == 0);
            }
        });
        next += length;
    }

    /// <summary>The candidates' sums, once every element was added.</summary>
    public IReadOnlyList<TensorMetricSums> Complete()
    {
        if (next != Elements)
        {
            throw new InvalidOperationException($"only {next} of {Elements} elements were added");
        }

        for (var model = 1; model < sums.Length; model++)
        {
            for (var reference = 0; reference < references.Count; reference++)
            {
                sums[model].Reference(reference).CopyReferenceSums(sums[0].Reference(reference));
            }
        }

        return sums;
    }

    public void Dispose()
    {
        Return();
    }

    private void Grow(int length)
    {
        if (capacity >= length && baseBuffer.Length > 0)
        {
            return;
        }

        Return();
        capacity = Math.Max(1, length);
        baseBuffer = ArrayPool<float>.Shared.Rent(capacity);
        referenceBuffers = references.Select(_ => ArrayPool<float>.Shared.Rent(capacity)).ToArray();
    }

    private void Return()
    {
        foreach (var buffer in referenceBuffers.Append(baseBuffer).Where(b => b.Length > 0))
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        baseBuffer = [];
        referenceBuffers = [];
        capacity = 0;
    }
}

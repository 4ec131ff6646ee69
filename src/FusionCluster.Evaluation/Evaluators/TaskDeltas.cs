using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Each reference's task deltas <c>r - b</c> over a block of elements and their signs (1, -1, or 0 for a zero or NaN delta),
/// computed once for all the candidates that add the block (<see cref="CandidateSums"/>).
/// </summary>
internal sealed class TaskDeltas : IDisposable
{
    private readonly float[][] deltas;
    private readonly float[][] signs;
    private readonly int length;

    /// <param name="references">Reference r's values at the block's elements are <c>references[r][offset..][..baseValues.Length]</c>.</param>
    public TaskDeltas(IReadOnlyList<float[]> references, int offset, ReadOnlySpan<float> baseValues)
    {
        length = baseValues.Length;
        deltas = new float[references.Count][];
        signs = new float[references.Count][];
        for (var r = 0; r < references.Count; r++)
        {
            deltas[r] = ArrayPool<float>.Shared.Rent(Math.Max(1, length));
            signs[r] = ArrayPool<float>.Shared.Rent(Math.Max(1, length));
            TensorPrimitives.Subtract(references[r].AsSpan(offset, length), baseValues, deltas[r]);
            SignsOf(deltas[r].AsSpan(0, length), signs[r]);
        }
    }

    public ReadOnlySpan<float> Deltas(int reference) => deltas[reference].AsSpan(0, length);

    public ReadOnlySpan<float> Signs(int reference) => signs[reference].AsSpan(0, length);

    public void Dispose()
    {
        foreach (var array in deltas.Concat(signs))
        {
            ArrayPool<float>.Shared.Return(array);
        }
    }

    private static void SignsOf(ReadOnlySpan<float> values, Span<float> signs)
    {
        var i = 0;
        var one = Vector512<float>.One;
        for (; i + Vector512<float>.Count <= values.Length; i += Vector512<float>.Count)
        {
            var v = Vector512.Create(values.Slice(i, Vector512<float>.Count));
            // A true comparison is all ones, so "and one" is 1 where it holds and 0 where not (NaN: neither).
            ((Vector512.GreaterThan(v, Vector512<float>.Zero) & one) - (Vector512.LessThan(v, Vector512<float>.Zero) & one)).CopyTo(signs[i..]);
        }

        for (; i < values.Length; i++)
        {
            signs[i] = values[i] > 0 ? 1 : values[i] < 0 ? -1 : 0;
        }
    }
}

using System.Numerics.Tensors;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Stands between a method and the output file: rounds through the compute dtype, refuses NaN and
/// infinity (a merge that produces them is broken, and publishing it would hide that), and counts
/// the elements written so a method that skips some is caught.
/// </summary>
public sealed class CheckedOutputSink(TensorSink inner, string tensorName, DType? roundThrough) : TensorSink
{
    private long written;

    public long Written => Interlocked.Read(ref written);

    public override void Write(long start, ReadOnlySpan<float> values)
    {
        if (!float.IsFinite(TensorPrimitives.Sum(values)))
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    throw new NonFiniteResultException($"tensor '{tensorName}': element {start + i} of the result is {values[i]} (check the inputs and parameters)");
                }
            }
        }

        if (roundThrough is { } dtype)
        {
            var copy = values.ToArray();
            Precision.RoundInPlace(copy, dtype);
            inner.Write(start, copy);
        }
        else
        {
            inner.Write(start, values);
        }

        Interlocked.Add(ref written, values.Length);
    }
}

using System.Numerics;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// TIES sign consensus over weighted deltas, vectorised: elect the sign of the sum (a tie counts as +),
/// keep each model's entries that carry that sign (zeros never do), and add their sum, divided by the
/// agreeing weights when normalising, to the base.
/// </summary>
public static class ConsensusMix
{
    /// <param name="weighted">n blocks of <paramref name="length"/> weighted deltas, model by model.</param>
    public static void AddTo(ReadOnlySpan<float> weighted, int length, IReadOnlyList<double> weights, bool normalize, float lambda, Span<float> baseAndOutput)
    {
        var n = weights.Count;
        var width = Vector<float>.Count;
        var k = 0;
        for (; k <= length - width; k += width)
        {
            var total = Vector<float>.Zero;
            for (var i = 0; i < n; i++)
            {
                total += new Vector<float>(weighted.Slice(i * length + k, width));
            }

            var positive = Vector.GreaterThanOrEqual(total, Vector<float>.Zero);
            var mix = Vector<float>.Zero;
            var div = Vector<float>.Zero;
            for (var i = 0; i < n; i++)
            {
                var v = new Vector<float>(weighted.Slice(i * length + k, width));
                var agrees = Vector.ConditionalSelect(positive, Vector.GreaterThan(v, Vector<float>.Zero), Vector.LessThan(v, Vector<float>.Zero));
                mix += Vector.ConditionalSelect(agrees, v, Vector<float>.Zero);
                div += Vector.ConditionalSelect(agrees, new Vector<float>((float)weights[i]), Vector<float>.Zero);
            }

            if (normalize)
            {
                div = Vector.ConditionalSelect(Vector.Equals(div, Vector<float>.Zero), Vector<float>.One, div);
                mix /= div;
            }

            var o = new Vector<float>(baseAndOutput.Slice(k, width));
            (o + mix * lambda).CopyTo(baseAndOutput.Slice(k, width));
        }

        for (; k < length; k++)
        {
            float total = 0;
            for (var i = 0; i < n; i++)
            {
                total += weighted[i * length + k];
            }

            var positive = total >= 0;
            float mix = 0, div = 0;
            for (var i = 0; i < n; i++)
            {
                // As the vector loop compares: zero and NaN agree with neither sign (Math.Sign would throw on NaN).
                var v = weighted[i * length + k];
                if (positive ? v > 0 : v < 0)
                {
                    mix += v;
                    div += (float)weights[i];
                }
            }

            if (normalize)
            {
                mix /= div == 0 ? 1 : div;
            }

            baseAndOutput[k] += mix * lambda;
        }
    }
}

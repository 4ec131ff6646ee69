using FusionCluster.Core.Methods.Kernels;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>
/// dare_linear and della_linear with rescale, bit for bit against a plain element-by-element implementation
/// of their definition: draws per element from the counter-based generator, L1 norms summed in double in
/// index order within each chunk and the chunks' sums added in chunk order, then base + Σ (f_i · kept δ_i)
/// with f_i = (float)(w_i · ‖δ_i‖₁ / ‖kept δ_i‖₁). Drawing each decision once and summing both norms in
/// one loop must not move a single bit.
/// </summary>
public sealed class RescaledRandomMethodTests
{
    private const ulong Seed = 11;

    [Theory]
    [InlineData(1000)]
    [InlineData(333)]
    public void Dare_linear_with_rescale_equals_the_reference_bit_for_bit(int chunk)
    {
        var b = Random(3000, 21);
        float[][] xs = [Random(3000, 22), Random(3000, 23)];
        double[] weights = [0.7, 0.45];
        double[] densities = [0.3, 0.6];
        var expected = Reference(b, xs, weights, chunk, rowLength: 1, (i, start, delta, keep) =>
        {
            var stream = CounterRng.Stream(Seed, i);
            for (var k = 0; k < delta.Length; k++)
            {
                keep[k] = CounterRng.Uniform(stream, start + k) < densities[i];
            }
        });

        var actual = Run("dare_linear", b, Models(xs, weights, densities), shape: [30, 100], chunk: chunk, seed: Seed);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(300)]
    public void Della_linear_with_rescale_equals_the_reference_bit_for_bit(int chunk)
    {
        const int Row = 100;
        const double Epsilon = 0.15;
        var b = Random(3000, 31);
        float[][] xs = [Random(3000, 32), Random(3000, 33)];
        double[] weights = [0.8, 0.35];
        double[] densities = [0.4, 0.55];
        var expected = Reference(b, xs, weights, chunk, Row, (i, start, delta, keep) =>
        {
            var stream = CounterRng.Stream(Seed, i);
            for (var row = 0; row < delta.Length; row += Row)
            {
                // Ascending |δ|, ties by column.
                var order = Enumerable.Range(0, Row).OrderBy(c => Math.Abs(delta[row + c])).ThenBy(c => c).ToArray();
                for (var rank = 0; rank < Row; rank++)
                {
                    var c = order[rank];
                    var p = densities[i] - Epsilon + 2 * Epsilon * rank / (Row - 1.0);
                    keep[row + c] = CounterRng.Uniform(stream, start + row + c) < p;
                }
            }
        });

        var actual = Run("della_linear", b, Models(xs, weights, densities), shape: [30, Row], chunk: chunk, seed: Seed);

        Assert.Equal(expected, actual);
    }

    private static TestModel[] Models(float[][] xs, double[] weights, double[] densities) =>
        xs.Select((x, i) => new TestModel(x, new() { ["weight"] = weights[i], ["density"] = densities[i] })).ToArray();

    private delegate void Decide(int model, long start, float[] delta, bool[] keep);

    private static float[] Reference(float[] b, float[][] xs, double[] weights, int chunk, int rowLength, Decide decide)
    {
        // Row methods use chunks of whole rows.
        var size = Math.Max(1, chunk / rowLength) * rowLength;
        var chunks = Enumerable.Range(0, (b.Length + size - 1) / size).Select(c => (Start: c * size, Length: Math.Min(size, b.Length - c * size))).ToArray();
        var kept = new bool[xs.Length][];
        var factors = new float[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            kept[i] = new bool[b.Length];
            double full = 0, keptNorm = 0;
            foreach (var (start, length) in chunks)
            {
                var delta = Enumerable.Range(start, length).Select(k => xs[i][k] - b[k]).ToArray();
                var keep = new bool[length];
                decide(i, start, delta, keep);
                double chunkFull = 0, chunkKept = 0;
                for (var k = 0; k < length; k++)
                {
                    chunkFull += Math.Abs(delta[k]);
                    chunkKept += keep[k] ? Math.Abs(delta[k]) : 0f;
                    kept[i][start + k] = keep[k];
                }
                full += chunkFull;
                keptNorm += chunkKept;
            }
            factors[i] = (float)(full / keptNorm * weights[i]);
        }

        var output = new float[b.Length];
        for (var k = 0; k < b.Length; k++)
        {
            var mix = 0f;
            for (var i = 0; i < xs.Length; i++)
            {
                var d = kept[i][k] ? xs[i][k] - b[k] : 0f;
                mix = i == 0 ? d * factors[i] : mix + d * factors[i];
            }
            output[k] = mix + b[k];
        }
        return output;
    }
}

using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>
/// DELLA's keep decisions against the definition, element by element: rank every row by ascending |δ| with ties by
/// column (a LINQ stable sort), keep when Uniform(stream, index) &lt; (density - ε) + 2ε·rank/(n - 1). The mask decides
/// most elements without ranking them and ranks the rest by counting or sorting; none of it may move a decision.
/// </summary>
public sealed class DellaDeltaMaskTests
{
    public static TheoryData<string, int, double, double> Cases => new()
    {
        { "gaussian", 4096, 0.7, 0.1 },
        { "gaussian", 1000, 0.5, 0.3 },
        { "gaussian", 4096, 0.5, 0 },
        { "gaussian", 512, 0.5, -0.2 },
        { "quantized", 4096, 0.7, 0.1 },
        // Short rows of few magnitudes: ties are ranked by counting, where their column order decides.
        { "quantized", 16, 0.5, 0.3 },
        { "quantized", 64, 0.5, 0.3 },
        { "mostly-zero", 2048, 0.6, 0.2 },
        { "all-zero", 300, 0.6, 0.2 },
        // Magnitudes over 60 octaves and zeros: those far below a row's largest share its lowest bucket.
        { "wide", 1024, 0.5, 0.15 },
        { "wide", 100, 0.4, 0.3 },
        // Task vectors of bf16 checkpoints at LLM row lengths: differences of two bf16 values, many of them tied.
        { "bf16-deltas", 1024, 0.5, 0.15 },
        { "bf16-deltas", 2816, 0.5, 0.15 },
        // Fine-tunes a few bf16 steps from their base, as real ones are: a handful of magnitudes, each of hundreds of
        // columns, whose ranks follow from the columns before in a bucket of one magnitude. 1003 leaves a remainder
        // after the row's four quarters.
        { "bf16-few-steps", 2048, 0.5, 0.15 },
        { "bf16-few-steps", 5632, 0.7, 0.2 },
        { "bf16-few-steps", 1003, 0.5, 0.3 },
        // A largest |δ| too small to scale the buckets by, and infinite deltas: both ranked by the sort.
        { "subnormal", 256, 0.5, 0.15 },
        { "infinite", 256, 0.5, 0.15 },
        { "gaussian", 1, 0.6, 0.2 },
        { "gaussian", 2, 0.6, 0.2 },
        { "gaussian", 7, 0.6, 0.2 },
        // Keep probabilities past 1 and below 0 at the ends of the ranks: limits of 2^53 and 0.
        { "gaussian", 2048, 0.8, 0.25 },
        { "gaussian", 2048, 0.2, 0.25 },
    };

    private const ulong Stream = 987654321;
    private const long Start = 12345;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Della_keeps_exactly_what_ranking_every_row_keeps(string values, int rowLength, double density, double epsilon)
    {
        var rows = Math.Max(3, 8192 / rowLength);
        AssertKeepsWhatRankingKeeps(Values(values, rows * rowLength), rowLength, density, epsilon);
    }

    /// <summary>
    /// With ε = 0 every rank's limit is density·2^53, here set level with one column's draw (dropped: the draw is not
    /// below it) or one above it (kept). Their top bits are equal, which AVX2's comparison by top bits leaves open.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_draw_level_with_its_limit_is_decided_exactly(int above)
    {
        const int RowLength = 256;
        const int Column = 100;
        var density = CounterRng.Uniform(Stream, Start + Column) + (above * Math.ScaleB(1, -53));
        var keep = AssertKeepsWhatRankingKeeps(Values("gaussian", 3 * RowLength), RowLength, density, 0);
        Assert.Equal(above == 1, KeepBits.Get(keep, Column));
    }

    private static ulong[] AssertKeepsWhatRankingKeeps(float[] delta, int rowLength, double density, double epsilon)
    {
        var keep = new ulong[KeepBits.Words(delta.Length)];
        new DellaDeltaMask(Stream, density, epsilon, rowLength).Decide(0, Start, delta, keep);

        for (var row = 0; row < delta.Length; row += rowLength)
        {
            var order = Enumerable.Range(0, rowLength).OrderBy(c => Math.Abs(delta[row + c])).ThenBy(c => c).ToArray();
            for (var rank = 0; rank < rowLength; rank++)
            {
                var c = order[rank];
                var normalized = rowLength > 1 ? (double)rank / (rowLength - 1) : 0;
                var expected = CounterRng.Uniform(Stream, Start + row + c) < density - epsilon + 2 * epsilon * normalized;
                Assert.True(expected == KeepBits.Get(keep, row + c), $"row {row / rowLength}, column {c}, rank {rank}: expected keep={expected}");
            }
        }

        return keep;
    }

    private static float[] Values(string kind, int n)
    {
        var rng = new Random(5);
        float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()) * 0.01);
        return kind switch
        {
            "gaussian" => Enumerable.Range(0, n).Select(_ => Gaussian()).ToArray(),
            // Few distinct magnitudes: ranks decided among large groups of ties.
            "quantized" => Enumerable.Range(0, n).Select(_ => (float)Math.Round(Gaussian() * 300) / 300).ToArray(),
            "wide" => Enumerable.Range(0, n).Select(_ => rng.Next(10) == 0 ? 0f : (float)Math.ScaleB(Gaussian(), -rng.Next(60))).ToArray(),
            "bf16-deltas" => Enumerable.Range(0, n).Select(_ =>
            {
                var b = Bf16(Gaussian() * 2);
                return Bf16(b + Gaussian() / 5) - b;
            }).ToArray(),
            "bf16-few-steps" => Enumerable.Range(0, n).Select(_ =>
            {
                var b = Bf16(Gaussian() * 2);
                return Bf16(b + Gaussian() / 50) - b;
            }).ToArray(),
            "subnormal" => Enumerable.Range(0, n).Select(_ => Gaussian() * 1e-37f).ToArray(),
            "infinite" => Enumerable.Range(0, n).Select(_ => rng.Next(50) == 0 ? (rng.Next(2) == 0 ? float.PositiveInfinity : float.NegativeInfinity) : Gaussian()).ToArray(),
            "mostly-zero" => Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.8 ? 0f : Gaussian()).ToArray(),
            _ => new float[n],
        };
    }

    /// <summary>Rounds to bfloat16 by truncation: the deltas' exact values do not matter, their coarse grid does.</summary>
    private static float Bf16(float x) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(x) & 0xFFFF0000u);
}

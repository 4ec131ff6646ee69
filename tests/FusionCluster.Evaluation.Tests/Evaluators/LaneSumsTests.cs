using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Tests.Evaluators;

/// <summary>The vectorised reduction behind the tensors evaluator, against its order written out plainly and against float64 loops.</summary>
public sealed class LaneSumsTests
{
    private static float[] Random(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    /// <summary>Sums in one pass, in element order and float64 throughout: the plain reference the lanes must stay close to.</summary>
    private static double InElementOrder(int n, Func<int, double> term)
    {
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += term(i);
        }

        return sum;
    }

    /// <summary>A model's sums fed in chunks of <paramref name="chunk"/> elements, as a unit's slices come.</summary>
    private static TensorMetricSums InChunks(float[] model, float[] reference, float[]? baseValues, int chunk)
    {
        using var sums = new CandidateMetricSums(1, model.Length, baseValues is null ? null : new ArrayTensorSource(baseValues), [new ArrayTensorSource(reference)]);
        for (var start = 0; start < model.Length; start += chunk)
        {
            var length = Math.Min(chunk, model.Length - start);
            sums.BeginChunk(start, length, TestContext.Current.CancellationToken);
            sums.AddCandidates(0, start, length, [model[start..(start + length)]]);
        }

        return sums.Complete()[0];
    }

    [Fact]
    public void Small_integer_tensors_give_the_hand_computed_sums_exactly()
    {
        // Seven elements and then sixteen, so the scalar path and a whole vector both add them (integers, so every sum is
        // exact); the last sixteen are the first seven again and nine ones, whose deltas from the base are 0.
        float[] model = [1, 2, 3, 4, 5, 6, 7];
        float[] reference = [2, 2, 1, 4, 9, 5, 7];
        float[] baseValues = [1, 1, 1, 1, 1, 1, 1];
        float[] Twice(float[] values, float pad) => [.. values, .. values, .. Enumerable.Repeat(pad, 9)];

        var sums = TensorMetricSums.OfTensor(
            new ArrayTensorSource(Twice(model, 1)), new ArrayTensorSource(Twice(baseValues, 1)), [new ArrayTensorSource(Twice(reference, 1))], TestContext.Current.CancellationToken);
        var r = sums.Reference(0);

        // |m|² = 1+4+9+16+25+36+49; |m-b|² = 0+1+4+9+16+25+36.
        Assert.Equal(2 * 140.0 + 9, sums.ModelNormSquared);
        Assert.Equal(2 * 91.0, sums.BaseDistanceSquared);
        // m-r = [-1,0,2,0,-4,1,0]: 1+0+4+0+16+1+0. m·r = 2+4+3+16+45+30+49. |r|² = 4+4+1+16+81+25+49.
        Assert.Equal(2 * 22.0, r.DistanceSquared);
        Assert.Equal(2 * 149.0 + 9, r.DotProduct);
        Assert.Equal(2 * 180.0 + 9, r.NormSquared);
        // m-b = [0,1,2,3,4,5,6], r-b = [1,1,0,3,8,4,6]: dot 0+1+0+9+32+20+36, |r-b|² 1+1+0+9+64+16+36.
        Assert.Equal(2 * 98.0, r.TaskDot);
        Assert.Equal(2 * 127.0, r.TaskNormSquared);
        // r-b non-zero at 6 elements; same sign at 5 of them (element 0 has m-b = 0, which agrees with no sign).
        Assert.Equal(2 * 6, r.TaskNonZero);
        Assert.Equal(2 * 5, r.SignAgreements);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(4099)]
    public void Chunked_sums_follow_the_lane_order_bit_for_bit_and_stay_close_to_element_order(int chunk)
    {
        var random = new Random(11);
        const int N = 4099;
        var m = Random(random, N);
        var r = Random(random, N);
        var b = Random(random, N);

        var sums = InChunks(m, r, b, chunk);
        var s = sums.Reference(0);

        var expected = new (string Name, double Actual, Func<int, (float, float)> Term)[]
        {
            ("model norm", sums.ModelNormSquared, i => (m[i], m[i])),
            ("base distance", sums.BaseDistanceSquared, i => (m[i] - b[i], m[i] - b[i])),
            ("distance", s.DistanceSquared, i => (m[i] - r[i], m[i] - r[i])),
            ("dot", s.DotProduct, i => (m[i], r[i])),
            ("reference norm", s.NormSquared, i => (r[i], r[i])),
            ("task dot", s.TaskDot, i => (m[i] - b[i], r[i] - b[i])),
            ("task norm", s.TaskNormSquared, i => (r[i] - b[i], r[i] - b[i])),
        };
        foreach (var (name, actual, term) in expected)
        {
            Assert.True(Bits(PlainLaneOrder.Sum(N, term)) == Bits(actual), $"{name}: {actual} is not the lane-order sum {PlainLaneOrder.Sum(N, term)}");

            // Against float64 throughout: a float32 term has at most two roundings and a lane's block sum 16 more, each off by
            // at most 2^-24 of what it adds, so the total is within about 18·2^-24 (here 2e-6) of the sum of the terms' sizes.
            double Exact(int i)
            {
                var (x, y) = term(i);
                return name switch
                {
                    "base distance" => ((double)m[i] - b[i]) * ((double)m[i] - b[i]),
                    "distance" => ((double)m[i] - r[i]) * ((double)m[i] - r[i]),
                    "task dot" => ((double)m[i] - b[i]) * ((double)r[i] - b[i]),
                    "task norm" => ((double)r[i] - b[i]) * ((double)r[i] - b[i]),
                    _ => (double)x * y,
                };
            }

            var plain = InElementOrder(N, Exact);
            var size = InElementOrder(N, i => Math.Abs(Exact(i)));
            Assert.True(Math.Abs(actual - plain) <= 2e-6 * size, $"{name}: {actual} is far from the float64 sum {plain}");
        }

        var nonZero = Enumerable.Range(0, N).Count(i => (double)r[i] - b[i] != 0);
        var agreements = Enumerable.Range(0, N).Count(i => (double)r[i] - b[i] != 0 && Math.Sign((double)m[i] - b[i]) == Math.Sign((double)r[i] - b[i]));
        Assert.Equal((nonZero, agreements), (s.TaskNonZero, s.SignAgreements));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public void Sign_agreements_and_non_zero_task_deltas_count_zero_tiny_and_non_finite_deltas_by_their_definition(int chunk)
    {
        // Every combination of model, reference and base among zero, the smallest float steps (deltas whose float64
        // product is tiny but not 0), huge, infinite and NaN values: by the vector path (whole chunks) and the scalar one.
        float[] values = [0f, float.Epsilon, -float.Epsilon, 1e-30f, -3f, 2f, float.MaxValue, -float.MaxValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        float[] bases = [0f, float.Epsilon, 2f, float.MaxValue, float.NegativeInfinity];
        var triples = (from m in values from r in values from b in bases select (M: m, R: r, B: b)).ToArray();
        var sums = InChunks(triples.Select(t => t.M).ToArray(), triples.Select(t => t.R).ToArray(), triples.Select(t => t.B).ToArray(), chunk).Reference(0);

        var nonZero = triples.Count(t => (double)t.R - t.B != 0);
        var agreements = triples.Count(t =>
        {
            double mergedDelta = (double)t.M - t.B, taskDelta = (double)t.R - t.B;
            return (mergedDelta > 0 && taskDelta > 0) || (mergedDelta < 0 && taskDelta < 0);
        });
        Assert.Equal((nonZero, agreements), (sums.TaskNonZero, sums.SignAgreements));
    }

    /// <summary>However many runs the models are split into (a unit's share of the cores), each gets the same bits.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Several_models_scored_together_equal_each_scored_alone(int groups)
    {
        var random = new Random(5);
        const int N = 70_001; // more than one chunk, and a tail
        var baseValues = new ArrayTensorSource(Random(random, N), N);
        var references = new[] { new ArrayTensorSource(Random(random, N), N), new ArrayTensorSource(Random(random, N), N) };
        var models = Enumerable.Range(0, 3).Select(_ => new ArrayTensorSource(Random(random, N), N)).ToList();
        var cancellationToken = TestContext.Current.CancellationToken;

        var together = TensorMetricSums.OfTensors(models, baseValues, references, cancellationToken, groups);

        for (var k = 0; k < models.Count; k++)
        {
            var aloneSums = TensorMetricSums.OfTensor(models[k], baseValues, references, cancellationToken);
            var alone = aloneSums.ToMetrics(["x", "y"]);
            var fromTogether = together[k].ToMetrics(["x", "y"]);
            Assert.All(alone, e => Assert.Equal(Bits(e.Value), Bits(fromTogether[e.Key])));

            // Every sum and count, the reference-only ones (added once, with the first model's) included.
            Assert.Equal(aloneSums.ToJson(), together[k].ToJson());
        }
    }
}

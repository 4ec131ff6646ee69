using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Tests.Evaluators;

/// <summary>The vectorised reduction behind the tensors evaluator, against straightforward float64 loops.</summary>
public sealed class LaneSumsTests
{
    private static float[] Random(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    /// <summary>The documented order written out plainly: element i into lane i mod 4, then (l0 + l1) + (l2 + l3).</summary>
    private static double InLaneOrder(int n, Func<int, double> term)
    {
        var lanes = new double[4];
        for (var i = 0; i < n; i++)
        {
            lanes[i % 4] += term(i);
        }

        return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    }

    /// <summary>Sums in one pass, in element order: the plain reference the lanes must stay close to.</summary>
    private static double InElementOrder(int n, Func<int, double> term)
    {
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += term(i);
        }

        return sum;
    }

    private static TensorMetricSums InChunks(float[] model, float[] reference, float[]? baseValues, int chunk)
    {
        var sums = new TensorMetricSums(1, baseValues is not null);
        sums.BeginTensor();
        for (var start = 0; start < model.Length; start += chunk)
        {
            var length = Math.Min(chunk, model.Length - start);
            var b = baseValues is null ? default : baseValues.AsSpan(start, length);
            sums.AddModel(model.AsSpan(start, length), b);
            sums.AddReference(0, model.AsSpan(start, length), reference.AsSpan(start, length), b);
        }

        return sums;
    }

    [Fact]
    public void Small_integer_tensors_give_the_hand_computed_sums_exactly()
    {
        // Seven elements: a vector of four and a tail of three (integers, so every sum is exact in float64).
        float[] model = [1, 2, 3, 4, 5, 6, 7];
        float[] reference = [2, 2, 1, 4, 9, 5, 7];
        float[] baseValues = [1, 1, 1, 1, 1, 1, 1];

        var sums = TensorMetricSums.OfTensor(new ArrayTensorSource(model, 7), new ArrayTensorSource(baseValues, 7), [new ArrayTensorSource(reference, 7)], TestContext.Current.CancellationToken);
        var r = sums.Reference(0);

        // |m|² = 1+4+9+16+25+36+49; |m-b|² = 0+1+4+9+16+25+36.
        Assert.Equal(140.0, sums.ModelNormSquared);
        Assert.Equal(91.0, sums.BaseDistanceSquared);
        // m-r = [-1,0,2,0,-4,1,0]: 1+0+4+0+16+1+0. m·r = 2+4+3+16+45+30+49. |r|² = 4+4+1+16+81+25+49.
        Assert.Equal(22.0, r.DistanceSquared);
        Assert.Equal(149.0, r.Dot);
        Assert.Equal(180.0, r.NormSquared);
        // m-b = [0,1,2,3,4,5,6], r-b = [1,1,0,3,8,4,6]: dot 0+1+0+9+32+20+36, |r-b|² 1+1+0+9+64+16+36.
        Assert.Equal(98.0, r.TaskDot);
        Assert.Equal(127.0, r.TaskNormSquared);
        // r-b non-zero at 6 elements; same sign at 5 of them (element 0 has m-b = 0, which agrees with no sign).
        Assert.Equal(6, r.TaskNonZero);
        Assert.Equal(5, r.SignAgreements);
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

        var expected = new (string Name, double Actual, Func<int, double> Term)[]
        {
            ("model norm", sums.ModelNormSquared, i => (double)m[i] * m[i]),
            ("base distance", sums.BaseDistanceSquared, i => ((double)m[i] - b[i]) * ((double)m[i] - b[i])),
            ("distance", s.DistanceSquared, i => ((double)m[i] - r[i]) * ((double)m[i] - r[i])),
            ("dot", s.Dot, i => (double)m[i] * r[i]),
            ("reference norm", s.NormSquared, i => (double)r[i] * r[i]),
            ("task dot", s.TaskDot, i => ((double)m[i] - b[i]) * ((double)r[i] - b[i])),
            ("task norm", s.TaskNormSquared, i => ((double)r[i] - b[i]) * ((double)r[i] - b[i])),
        };
        foreach (var (name, actual, term) in expected)
        {
            Assert.True(Bits(InLaneOrder(N, term)) == Bits(actual), $"{name}: {actual} is not the lane-order sum {InLaneOrder(N, term)}");
            var plain = InElementOrder(N, term);
            Assert.True(Math.Abs(actual - plain) <= 1e-12 * Math.Max(1, Math.Abs(plain)), $"{name}: {actual} is far from the element-order sum {plain}");
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

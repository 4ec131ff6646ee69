using FusionCluster.Core.Methods;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class GtaMethodTests
{
    [Fact]
    public void Task_arithmetic_hand_case()
    {
        // δ1 = [1,-1,0], δ2 = [0,2,-2]; 0.5·δ1 + 1·δ2 = [0.5, 1.5, -2]; + base = [1.5, 2.5, -1].
        float[] b = [1, 1, 1];
        TestModel[] models = [new([2, 0, 1], W(0.5)), new([1, 3, -1], W(1))];
        Close([1.5f, 2.5f, -1f], Run("task_arithmetic", b, models));
        Close([2f, 4f, -3f], Run("task_arithmetic", b, models, new() { ["lambda"] = 2 }));
        // normalize divides by Σw = 1.5: [1 + 1/3, 2, 1 - 4/3].
        Close([1.3333333f, 2f, -0.3333333f], Run("task_arithmetic", b, models, new() { ["normalize"] = 1 }));
    }

    [Fact]
    public void Ties_density_one_single_model_equals_task_arithmetic()
    {
        var b = Random(200, 10);
        var x = Random(200, 11);
        var ties = Run("ties", b, [new(x, W(0.7))], new() { ["normalize"] = 0 });
        var ta = Run("task_arithmetic", b, [new(x, W(0.7))]);
        Close(ta, ties);
    }

    [Fact]
    public void Ties_sign_election_uses_weighted_deltas()
    {
        // δ = 2, -1, -1.5 with w = 1, 0.5, 0.5: unweighted vote -0.5 (→ -), weighted vote 0.75 (→ +).
        // Only δ1 agrees: mix = 2, div = 1 → 2. (An unweighted vote would give (-0.5-0.75)/1 = -1.25.)
        var result = Run("ties", [0], [new([2], W(1)), new([-1], W(0.5)), new([-1.5f], W(0.5))]);
        Close([2f], result);
    }

    [Fact]
    public void Ties_sign_tie_counts_as_positive()
    {
        // Weighted votes +1 and -1 sum to 0 → +; only δ1 is kept: 1/1.
        Close([1f], Run("ties", [0], [new([1], W(1)), new([-1], W(1))]));
    }

    [Fact]
    public void Ties_keeps_largest_magnitudes_with_lowest_index_tie_break()
    {
        // density 0.5 of 4 → k = 2.
        Close([0f, -3f, 2f, 0f], Run("ties", [0, 0, 0, 0], [new([0.1f, -3, 2, 0.5f], new() { ["weight"] = 1, ["density"] = 0.5 })]));
        // |δ| = 1,1,1,0.5: three ties at the threshold, the two lowest indices are kept.
        Close([1f, -1f, 0f, 0f], Run("ties", [0, 0, 0, 0], [new([1, -1, 1, 0.5f], new() { ["weight"] = 1, ["density"] = 0.5 })], chunk: 1));
    }

    [Fact]
    public void Ties_density_keeping_nothing_is_an_error()
    {
        var e = Assert.Throws<MergeMethodException>(() =>
            Run("ties", [0, 0, 0], [new([1, 2, 3], new() { ["weight"] = 1, ["density"] = 0.2 })]));
        Assert.Contains("layers.0.weight", e.Message);
        Assert.Contains("model0", e.Message);
        Assert.Contains("density", e.Message);
    }

    [Fact]
    public void Dare_with_density_one_is_task_arithmetic()
    {
        var b = Random(300, 12);
        TestModel[] models = [new(Random(300, 13), W(0.5)), new(Random(300, 14), W(0.8))];
        var ta = Run("task_arithmetic", b, models);
        Close(ta, Run("dare_linear", b, models));
    }

    [Fact]
    public void Dare_keeps_about_density_and_rescale_preserves_l1()
    {
        const int n = 20000;
        var b = new float[n];
        var x = Random(n, 15).Select(v => v == 0 ? 0.5f : v).ToArray();
        var p = new Dictionary<string, double> { ["weight"] = 1, ["density"] = 0.3 };
        var plain = Run("dare_linear", b, [new(x, p)], new() { ["rescale"] = 0 });
        var kept = plain.Count(v => v != 0);
        // Binomial(20000, 0.3): mean 6000, σ ≈ 65; allow 4σ.
        Assert.InRange(kept, 6000 - 260, 6000 + 260);
        Assert.All(Enumerable.Range(0, n), i => Assert.True(plain[i] == 0 || plain[i] == x[i]));

        var rescaled = Run("dare_linear", b, [new(x, p)]);
        var l1Full = x.Sum(v => Math.Abs((double)v));
        var l1Out = rescaled.Sum(v => Math.Abs((double)v));
        Assert.Equal(1.0, l1Out / l1Full, 5);
        Assert.Equal(kept, rescaled.Count(v => v != 0));
    }

    [Fact]
    public void Random_methods_are_deterministic_and_independent_of_chunking()
    {
        var b = Random(5000, 16);
        TestModel[] models =
        [
            new(Random(5000, 17), new() { ["weight"] = 0.6, ["density"] = 0.4 }),
            new(Random(5000, 18), new() { ["weight"] = 0.4, ["density"] = 0.6 }),
        ];
        foreach (var method in new[] { "dare_ties", "dare_linear", "della", "della_linear" })
        {
            var reference = Run(method, b, models, shape: [50, 100], seed: 7);
            Assert.Equal(reference, Run(method, b, models, shape: [50, 100], seed: 7));
            Assert.Equal(reference, Run(method, b, models, shape: [50, 100], seed: 7, chunk: 100));
            Assert.Equal(reference, Run(method, b, models, shape: [50, 100], seed: 7, chunk: 777));
            Assert.NotEqual(reference, Run(method, b, models, shape: [50, 100], seed: 8));
        }
    }

    [Fact]
    public void Breadcrumbs_keeps_the_middle_band()
    {
        // n = 10, density 0.7, gamma 0.1: n_top = 1, n_bottom = 10 - 7 - 1 = 2.
        // Drops |δ| = 10 (largest) and 1, 2 (smallest); keeps 3..9.
        float[] delta = [5, -1, 10, 3, -2, 7, 4, -9, 6, 8];
        float[] expected = [5, 0, 0, 3, 0, 7, 4, -9, 6, 8];
        var p = new Dictionary<string, double> { ["weight"] = 1, ["density"] = 0.7, ["gamma"] = 0.1 };
        foreach (var chunk in new[] { 1 << 20, 3, 1 })
        {
            Close(expected, Run("breadcrumbs", new float[10], [new(delta, p)], chunk: chunk));
        }
    }

    [Fact]
    public void Breadcrumbs_with_no_top_outliers_drops_the_task_vector_like_mergekit()
    {
        // gamma·n = 0.1 → int 0: mergekit's argsort[n_bot:-0] slice is empty.
        var warnings = new List<string>();
        var p = new Dictionary<string, double> { ["weight"] = 1, ["density"] = 0.5, ["gamma"] = 0.01 };
        Close([1f, 1f, 1f, 1f], Run("breadcrumbs", [1, 1, 1, 1], [new([2, 3, 4, 5], p)], warnings: warnings));
        Assert.Single(warnings);
    }

    [Fact]
    public void Della_density_one_is_plain_weighted_task_vector()
    {
        var b = Random(100, 19);
        var x = Random(100, 20);
        // della normalizes by default: one model → base + δ = x.
        Close(x, Run("della", b, [new(x, W(0.3))], shape: [10, 10]));
    }

    [Fact]
    public void Della_rejects_epsilon_outside_density_band()
    {
        var e = Assert.Throws<MergeMethodException>(() => Run("della", new float[4],
            [new([1, 2, 3, 4], new() { ["weight"] = 1, ["density"] = 0.9, ["epsilon"] = 0.15 })]));
        Assert.Contains("epsilon", e.Message);
        Assert.Contains("model0", e.Message);
        Assert.Contains("layers.0.weight", e.Message);
    }

    [Fact]
    public void Della_prefers_large_magnitudes_and_rescale_preserves_l1()
    {
        // One row, |δ| rising with index: keep probability rises from 0.1 to 0.9.
        const int n = 4000;
        var x = Enumerable.Range(1, n).Select(i => (i % 2 == 0 ? 1f : -1f) * i / n).ToArray();
        var p = new Dictionary<string, double> { ["weight"] = 1, ["density"] = 0.5, ["epsilon"] = 0.4 };
        var plain = Run("della_linear", new float[n], [new(x, p)], new() { ["rescale"] = 0 });
        var low = plain.Take(n / 2).Count(v => v != 0);
        var high = plain.Skip(n / 2).Count(v => v != 0);
        // Expected 0.3·2000 = 600 and 0.7·2000 = 1400 kept.
        Assert.InRange(low, 500, 700);
        Assert.InRange(high, 1300, 1500);

        var rescaled = Run("della_linear", new float[n], [new(x, p)]);
        Assert.Equal(1.0, rescaled.Sum(v => Math.Abs((double)v)) / x.Sum(v => Math.Abs((double)v)), 5);
    }

    [Theory]
    [InlineData("ties")]
    [InlineData("breadcrumbs_ties")]
    public void Large_tensors_with_threshold_ties_match_a_sort_based_reference(string method)
    {
        // Big enough for the sampled one-pass selection, quantised so that many deltas tie at each threshold.
        const int n = 400_000;
        var rng = new Random(21);
        var b = Enumerable.Range(0, n).Select(_ => rng.Next(-50, 51) / 64f).ToArray();
        var deltas = new[] { 0, 1, 2 }.Select(_ => Enumerable.Range(0, n).Select(_ => rng.Next(-40, 41) / 256f).ToArray()).ToArray();
        // Powers of two keep the weighted sums exact, so the elected sign cannot depend on rounding.
        double[] weights = [0.5, 0.25, 0.125];
        double[] densities = [0.5, 0.3, 0.8];
        var parameters = densities.Select((d, i) => new Dictionary<string, double> { ["weight"] = weights[i], ["density"] = d, ["gamma"] = 0.01 }).ToArray();
        var models = deltas.Select((d, i) => new TestModel(d.Select((v, j) => b[j] + v).ToArray(), parameters[i])).ToArray();

        var expected = ReferenceTies(b, models.Select(m => m.Values).ToArray(), weights, densities, gamma: method == "ties" ? 0 : 0.01);

        // breadcrumbs_ties does not normalise by default (as in mergekit); the reference always does.
        Close(expected, Run(method, b, models, global: new() { ["normalize"] = 1 }, chunk: 30_000), tolerance: 1e-6);
    }

    /// <summary>
    /// TIES written the slow, obvious way: per model a stable descending sort of |δ| picks the kept set (for
    /// breadcrumbs, minus the top gamma·n), then the elected sign, then the mean over agreeing weights.
    /// </summary>
    private static float[] ReferenceTies(float[] b, float[][] xs, double[] weights, double[] densities, double gamma)
    {
        var n = b.Length;
        var kept = new float[xs.Length][];
        for (var i = 0; i < xs.Length; i++)
        {
            var delta = xs[i].Select((v, j) => v - b[j]).ToArray();
            var order = Enumerable.Range(0, n).OrderByDescending(j => Math.Abs(delta[j])).ThenBy(j => j).ToArray();
            var target = (int)(densities[i] * n);
            var top = (int)(gamma * n);
            var bottom = Math.Max(0, n - target - top);
            var keep = order.Take(n - bottom).Skip(top).ToHashSet();
            kept[i] = delta.Select((v, j) => keep.Contains(j) ? (float)(v * weights[i]) : 0f).ToArray();
        }

        var result = new float[n];
        for (var j = 0; j < n; j++)
        {
            var sum = kept.Sum(k => (double)k[j]);
            double mix = 0, div = 0;
            for (var i = 0; i < xs.Length; i++)
            {
                if (sum >= 0 ? kept[i][j] > 0 : kept[i][j] < 0)
                {
                    mix += kept[i][j];
                    div += weights[i];
                }
            }
            result[j] = (float)(b[j] + (div == 0 ? mix : mix / div));
        }
        return result;
    }
}

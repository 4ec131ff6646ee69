using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Tests.Evaluators;

public sealed class CandidateMetricSumsTests
{
    private static float[] Random(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    [Theory]
    [InlineData(333)] // not a multiple of the four lanes: every chunk after the first starts mid-lane
    [InlineData(4096)]
    [InlineData(70_001)] // one chunk holding the whole tensor
    public void Candidates_fed_in_any_chunks_have_the_sums_of_each_scored_alone(int chunk)
    {
        var random = new Random(chunk);
        const int N = 70_001;
        var baseValues = new ArrayTensorSource(Random(random, N), N);
        var references = new[] { new ArrayTensorSource(Random(random, N), N), new ArrayTensorSource(Random(random, N), N) };
        var models = Enumerable.Range(0, 3).Select(_ => Random(random, N)).ToArray();
        var cancellationToken = TestContext.Current.CancellationToken;

        using var together = new CandidateMetricSums(models.Length, N, baseValues, references);
        for (var start = 0; start < N; start += chunk)
        {
            var length = Math.Min(chunk, N - start);
            together.Add(start, length, models.Select(m => m.AsSpan(start, length).ToArray()).ToList(), cancellationToken);
        }

        var sums = together.Complete();
        for (var k = 0; k < models.Length; k++)
        {
            var alone = TensorMetricSums.OfTensor(new ArrayTensorSource(models[k], N), baseValues, references, cancellationToken);
            Assert.Equal(alone.ToJson(), sums[k].ToJson());
        }
    }

    [Fact]
    public void Chunks_out_of_element_order_or_an_incomplete_tensor_are_refused()
    {
        var values = new float[8];
        using var sums = new CandidateMetricSums(1, 8, null, []);
        var error = Assert.Throws<ArgumentException>(() => sums.Add(4, 4, [values], TestContext.Current.CancellationToken));
        Assert.Contains("expected elements from 0 of 8", error.Message, StringComparison.Ordinal);
        sums.Add(0, 4, [values], TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => sums.Complete());
    }
}

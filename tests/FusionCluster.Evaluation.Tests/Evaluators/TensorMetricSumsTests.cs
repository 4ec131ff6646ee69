using System.Text.Json.Nodes;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Tests.Support;

namespace FusionCluster.Evaluation.Tests.Evaluators;

public sealed class TensorMetricSumsTests
{
    private static float[] Random(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    // What a merge unit does in-job: sums each merged tensor as it is produced (here in uneven chunks, as a
    // unit's slices would come), then the job combines the per-tensor sums in the model's tensor order.
    private static TensorMetricSums InJob(IReadOnlyList<float[]> merged, IReadOnlyList<float[][]> references, IReadOnlyList<float[]>? baseTensors, int chunk)
    {
        var total = new TensorMetricSums(references[0].Length, baseTensors is not null);
        for (var t = 0; t < merged.Count; t++)
        {
            var n = merged[t].Length;
            using var sums = new CandidateMetricSums(1, n, baseTensors is null ? null : new ArrayTensorSource(baseTensors[t]), references[t].Select(r => new ArrayTensorSource(r)).ToList());
            for (var start = 0; start < n; start += chunk)
            {
                var length = Math.Min(chunk, n - start);
                sums.BeginChunk(start, length, TestContext.Current.CancellationToken);
                sums.AddCandidates(0, start, length, [merged[t][start..(start + length)]]);
            }

            total.Combine(sums.Complete()[0]);
        }

        return total;
    }

    [Fact]
    public void In_job_metrics_equal_the_written_outputs_bit_for_bit()
    {
        using var temp = new TempDirectory();
        var random = new Random(7);
        int[] sizes = [1000, 37, 513];
        var names = new[] { "a", "b", "c" };
        var baseTensors = sizes.Select(n => Random(random, n)).ToList();
        var x = sizes.Select(n => Random(random, n)).ToList();
        var y = sizes.Select(n => Random(random, n)).ToList();
        var merged = sizes.Select((n, t) => Enumerable.Range(0, n).Select(i => baseTensors[t][i] + 0.5f * (x[t][i] - baseTensors[t][i]) + 0.5f * (y[t][i] - baseTensors[t][i])).ToArray()).ToList();

        (string, long[], float[])[] Model(List<float[]> values) => names.Select((name, t) => (name, new long[] { sizes[t] }, values[t])).ToArray();
        var baseFolder = TinyCheckpoint.Tensors(temp.Combine("base"), Model(baseTensors));
        var xFolder = TinyCheckpoint.Tensors(temp.Combine("x"), Model(x));
        var yFolder = TinyCheckpoint.Tensors(temp.Combine("y"), Model(y));
        var mergedFolder = TinyCheckpoint.Tensors(temp.Combine("merged"), Model(merged));

        var written = new TensorMetricsEvaluator([new ReferenceModel("x", xFolder), new ReferenceModel("y", yFolder)], baseFolder)
            .Evaluate(mergedFolder, TestContext.Current.CancellationToken);
        var inJob = InJob(merged, sizes.Select((_, t) => new[] { x[t], y[t] }).ToList(), baseTensors, chunk: 100).ToMetrics(["x", "y"]);

        Assert.Equal(written.Keys.Order(), inJob.Keys.Order());
        foreach (var (key, value) in written)
        {
            // Same float32 inputs and the same order of operations: equal bits, not merely close.
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(inJob[key]));
        }
    }

    [Fact]
    public void Combined_sums_match_hand_computed_values()
    {
        // Tensor 1: m = [3], r = [1]; tensor 2: m = [4], r = [-1]. Together m = [3, 4], r = [1, -1].
        var cancellationToken = TestContext.Current.CancellationToken;
        var first = TensorMetricSums.OfTensor(new ArrayTensorSource([3f]), null, [new ArrayTensorSource([1f])], cancellationToken);
        var second = TensorMetricSums.OfTensor(new ArrayTensorSource([4f]), null, [new ArrayTensorSource([-1f])], cancellationToken);

        first.Combine(second);
        var metrics = first.ToMetrics(["r"]);

        Assert.Equal(2, first.Tensors);
        // m - r = [2, 5]: sqrt(29). m.r = -1, |m| = 5, |r| = sqrt(2).
        Assert.Equal(Math.Sqrt(29), metrics["l2_distance/r"], 12);
        Assert.Equal(-1 / (5 * Math.Sqrt(2)), metrics["cosine/r"], 12);
    }

    [Fact]
    public void Sums_sent_as_json_come_back_with_the_same_bits()
    {
        var random = new Random(3);
        var model = Random(random, 777);
        var reference = Random(random, 777);
        var baseValues = Random(random, 777);
        var sums = TensorMetricSums.OfTensor(new ArrayTensorSource(model), new ArrayTensorSource(baseValues), [new ArrayTensorSource(reference)], TestContext.Current.CancellationToken);

        var copy = TensorMetricSums.FromJson(sums.ToJson());

        var expected = sums.ToMetrics(["r"]);
        var actual = copy.ToMetrics(["r"]);
        Assert.All(expected, e => Assert.Equal(BitConverter.DoubleToInt64Bits(e.Value), BitConverter.DoubleToInt64Bits(actual[e.Key])));
        Assert.Equal((1, true), (copy.Tensors, copy.HasBase));
        Assert.Throws<EvaluationException>(() => TensorMetricSums.FromJson("{\"tensors\": 1}"));
    }

    [Fact]
    public void Sums_are_sent_as_the_json_object_they_always_were()
    {
        // Stored job states hold these strings: the text stays what a JsonObject of the same fields writes.
        var random = new Random(5);
        var sums = TensorMetricSums.OfTensor(
            new ArrayTensorSource(Random(random, 300)),
            new ArrayTensorSource(Random(random, 300)),
            [new ArrayTensorSource(Random(random, 300)), new ArrayTensorSource(Random(random, 300))],
            TestContext.Current.CancellationToken);
        var expected = new JsonObject
        {
            ["base"] = true,
            ["tensors"] = 1,
            ["model"] = new JsonArray(sums.ModelNormSquared, sums.BaseDistanceSquared),
            ["references"] = new JsonArray([.. Enumerable.Range(0, 2).Select(r => (JsonNode)new JsonObject
            {
                ["sums"] = new JsonArray([.. sums.Reference(r).Values().Select(v => (JsonNode?)v)]),
                ["counts"] = new JsonArray([.. sums.Reference(r).Counts().Select(v => (JsonNode?)v)]),
            })]),
        }.ToJsonString();

        Assert.Equal(expected, sums.ToJson());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"base\":true,\"tensors\":1,\"model\":[1,2],\"references\":[{\"sums\":[1,2,3,4,5]}]}")]
    [InlineData("{\"base\":true,\"tensors\":1,\"model\":[1],\"references\":[]}")]
    [InlineData("{\"base\":1,\"tensors\":1,\"model\":[1,2],\"references\":[]}")]
    [InlineData("{\"base\":true,\"tensors\":1,\"model\":[1,\"2\"],\"references\":[]}")]
    [InlineData("{\"base\":true,\"tensors\":1,\"model\":[1,2],\"references\":[{\"sums\":[1,2,3,4,5],\"counts\":[1,2]}")]
    public void Text_that_is_not_sums_is_refused(string json)
    {
        var error = Assert.Throws<EvaluationException>(() => TensorMetricSums.FromJson(json));
        Assert.StartsWith("not the tensor metric sums a scoring unit writes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sums_without_references_read_back()
    {
        var sums = TensorMetricSums.FromJson("{\"base\":false,\"tensors\":3,\"model\":[0.5,0],\"references\":[]}");

        Assert.Equal((3, false, 0, 0.5), (sums.Tensors, sums.HasBase, sums.ReferenceCount, sums.ModelNormSquared));
    }

    [Fact]
    public void Sums_over_different_references_do_not_combine()
    {
        var error = Assert.Throws<ArgumentException>(() => new TensorMetricSums(2, hasBase: true).Combine(new TensorMetricSums(1, hasBase: true)));

        Assert.Contains("1 references", error.Message, StringComparison.Ordinal);
    }
}

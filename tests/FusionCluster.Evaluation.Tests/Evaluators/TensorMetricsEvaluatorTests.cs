using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Tests.Support;

namespace FusionCluster.Evaluation.Tests.Evaluators;

public sealed class TensorMetricsEvaluatorTests
{
    // Two tensors, taken together as one 4-vector:
    //   base   b = [1, 1, 1 | 0]
    //   input  x = [2, 1, 0 | 2]     task vector x - b = [1, 0, -1, 2]
    //   merged m = [1.5, 2, 1 | -1]  merged delta m - b = [0.5, 1, 0, -1]
    [Fact]
    public async Task Metrics_match_hand_computed_values()
    {
        using var temp = new TempDirectory();
        var baseModel = TinyCheckpoint.Tensors(temp.Combine("base"), ("t1", [3], [1, 1, 1]), ("t2", [1], [0]));
        var input = TinyCheckpoint.Tensors(temp.Combine("ft"), ("t1", [3], [2, 1, 0]), ("t2", [1], [2]));
        var merged = TinyCheckpoint.Tensors(temp.Combine("merged"), ("t1", [3], [1.5f, 2, 1]), ("t2", [1], [-1]));
        var evaluator = new TensorMetricsEvaluator([new ReferenceModel("ft", input), new ReferenceModel("itself", merged)], baseModel);

        var metrics = await evaluator.EvaluateAsync(merged, TestContext.Current.CancellationToken);

        // m - x = [-0.5, 1, 1, -3]: squares sum to 11.25.
        Assert.Equal(Math.Sqrt(11.25), metrics["l2_distance/ft"], 12);
        // m.x = 3 + 2 + 0 - 2 = 3; |m|^2 = 8.25; |x|^2 = 9.
        Assert.Equal(3 / Math.Sqrt(8.25 * 9), metrics["cosine/ft"], 12);
        // (m-b).(x-b) = 0.5 - 2 = -1.5; |m-b|^2 = 2.25; |x-b|^2 = 6.
        Assert.Equal(-1.5 / Math.Sqrt(2.25 * 6), metrics["task_cosine/ft"], 12);
        // Non-zero task entries at 0, 2, 3: merged delta +0.5 agrees, 0 does not, -1 does not.
        Assert.Equal(1.0 / 3, metrics["sign_agreement/ft"], 12);
        Assert.Equal(1.5, metrics["l2_distance/base"], 12);

        Assert.Equal(0, metrics["l2_distance/itself"], 12);
        Assert.Equal(1, metrics["cosine/itself"], 12);
        Assert.Equal(1, metrics["sign_agreement/itself"], 12);

        // What a sweep's reader accepts as an objective of this evaluator is what it reports.
        var sweepEvaluator = new SweepEvaluatorSpec(null, new TensorEvaluatorSpec([new("ft", input), new("itself", merged)], baseModel), null);
        Assert.Equal(EvaluatorMetricNames.Of(sweepEvaluator)!.Order(), metrics.Keys.Order());
    }

    [Fact]
    public void Without_a_base_there_are_no_task_vector_metrics()
    {
        using var temp = new TempDirectory();
        var a = TinyCheckpoint.Tensors(temp.Combine("a"), ("w", [2], [3, 4]));
        var b = TinyCheckpoint.Tensors(temp.Combine("b"), ("w", [2], [-3, -4]));

        var metrics = new TensorMetricsEvaluator([ReferenceModel.FromFolder(b)]).Evaluate(a, TestContext.Current.CancellationToken);

        Assert.Equal(["cosine/b", "l2_distance/b"], metrics.Keys.Order());
        Assert.Equal(10, metrics["l2_distance/b"], 12);
        Assert.Equal(-1, metrics["cosine/b"], 12);
    }

    [Fact]
    public void Tensors_longer_than_a_chunk_are_summed_across_chunks()
    {
        // 1.5M elements span two 1M-element chunks: |2 - 1| summed over n is n, so the distance is sqrt(n).
        const int n = 1_500_000;
        using var temp = new TempDirectory();
        var ones = TinyCheckpoint.Tensors(temp.Combine("ones"), ("w", [n], Enumerable.Repeat(1f, n).ToArray()));
        var twos = TinyCheckpoint.Tensors(temp.Combine("twos"), ("w", [n], Enumerable.Repeat(2f, n).ToArray()));

        var metrics = new TensorMetricsEvaluator([ReferenceModel.FromFolder(ones)]).Evaluate(twos, TestContext.Current.CancellationToken);

        Assert.Equal(Math.Sqrt(n), metrics["l2_distance/ones"], 9);
        Assert.Equal(1, metrics["cosine/ones"], 12);
    }

    [Fact]
    public void A_shape_mismatch_names_the_model_and_tensor()
    {
        using var temp = new TempDirectory();
        var a = TinyCheckpoint.Tensors(temp.Combine("a"), ("w", [2], [1, 2]));
        var b = TinyCheckpoint.Tensors(temp.Combine("b"), ("w", [3], [1, 2, 3]));

        var error = Assert.Throws<EvaluationException>(() => new TensorMetricsEvaluator([ReferenceModel.FromFolder(b)]).Evaluate(a, TestContext.Current.CancellationToken));

        Assert.Contains("('b')", error.Message, StringComparison.Ordinal);
        Assert.Contains("'w' has shape [3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_tensor_names_the_model_and_tensor()
    {
        using var temp = new TempDirectory();
        var a = TinyCheckpoint.Tensors(temp.Combine("a"), ("w", [1], [1]), ("v", [1], [1]));
        var b = TinyCheckpoint.Tensors(temp.Combine("b"), ("w", [1], [1]));

        var error = Assert.Throws<EvaluationException>(() => new TensorMetricsEvaluator([ReferenceModel.FromFolder(b)]).Evaluate(a, TestContext.Current.CancellationToken));

        Assert.Contains("no tensor 'v'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_vector_has_no_cosine()
    {
        using var temp = new TempDirectory();
        var zero = TinyCheckpoint.Tensors(temp.Combine("zero"), ("w", [2], [0, 0]));
        var other = TinyCheckpoint.Tensors(temp.Combine("other"), ("w", [2], [1, 0]));

        var metrics = new TensorMetricsEvaluator([ReferenceModel.FromFolder(other)]).Evaluate(zero, TestContext.Current.CancellationToken);

        Assert.True(double.IsNaN(metrics["cosine/other"]));
        Assert.Equal(1, metrics["l2_distance/other"], 12);
    }
}

using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Tests.Evaluators;

/// <summary>
/// The tensors evaluator's documented order (<see cref="LaneSums"/>) written out plainly, one element at a time and apart
/// from the product's kernels: the independent expectation their bits are held to.
/// </summary>
internal static class PlainLaneOrder
{
    /// <summary>
    /// Element i's term, a·b by a fused multiply-add in float32, into lane i mod 16 of its block of 256; each block's lanes
    /// into float64 lanes as it ends; then each lane's float64 sum plus its open block's, lanes l and l + 8, the four halves
    /// of what is left, and (a + b) + (c + d).
    /// </summary>
    public static double Sum(int n, Func<int, (float A, float B)> term)
    {
        var block = new float[16];
        var lanes = new double[16];
        for (var i = 0; i < n; i++)
        {
            var (a, b) = term(i);
            block[i % 16] = MathF.FusedMultiplyAdd(a, b, block[i % 16]);
            if ((i + 1) % 256 == 0)
            {
                for (var l = 0; l < 16; l++)
                {
                    lanes[l] += block[l];
                    block[l] = 0;
                }
            }
        }

        var t = Enumerable.Range(0, 16).Select(l => lanes[l] + block[l]).ToArray();
        var eight = Enumerable.Range(0, 8).Select(l => t[l] + t[l + 8]).ToArray();
        var four = Enumerable.Range(0, 4).Select(l => eight[l] + eight[l + 4]).ToArray();
        return (four[0] + four[1]) + (four[2] + four[3]);
    }

    /// <summary>Every sum and count of a model against <paramref name="references"/> (and <paramref name="baseValues"/>), as <see cref="TensorMetricSums.ToJson"/> writes them.</summary>
    public static string Json(float[] model, float[]? baseValues, IReadOnlyList<float[]> references)
    {
        var n = model.Length;
        var b = baseValues ?? new float[n];
        var expected = new TensorMetricSums(references.Count, baseValues is not null);
        var json = System.Text.Json.Nodes.JsonNode.Parse(expected.ToJson())!.AsObject();
        json["tensors"] = 1;
        json["model"] = new System.Text.Json.Nodes.JsonArray(
            Sum(n, i => (model[i], model[i])),
            baseValues is null ? 0.0 : Sum(n, i => (model[i] - b[i], model[i] - b[i])));
        var referenceSums = json["references"]!.AsArray();
        for (var r = 0; r < references.Count; r++)
        {
            var x = references[r];
            var nonZero = baseValues is null ? 0 : Enumerable.Range(0, n).Count(i => x[i] - b[i] != 0);
            var agreements = baseValues is null ? 0 : Enumerable.Range(0, n).Count(i =>
            {
                float mergedDelta = model[i] - b[i], taskDelta = x[i] - b[i];
                return (mergedDelta > 0 && taskDelta > 0) || (mergedDelta < 0 && taskDelta < 0);
            });
            referenceSums[r]!["sums"] = new System.Text.Json.Nodes.JsonArray(
                Sum(n, i => (model[i] - x[i], model[i] - x[i])),
                Sum(n, i => (model[i], x[i])),
                Sum(n, i => (x[i], x[i])),
                baseValues is null ? 0.0 : Sum(n, i => (model[i] - b[i], x[i] - b[i])),
                baseValues is null ? 0.0 : Sum(n, i => (x[i] - b[i], x[i] - b[i])));
            referenceSums[r]!["counts"] = new System.Text.Json.Nodes.JsonArray(nonZero, agreements);
        }

        return json.ToJsonString();
    }
}

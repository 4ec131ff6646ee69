namespace FusionCluster.Core.Methods;

/// <summary>
/// RegMean (Jin et al., ICLR 2023): each linear layer's weight [out, in] is the least-squares solution that best
/// reproduces every model's outputs on that model's own inputs, W^T = (Σ G̃_i)^-1 Σ G̃_i W_i^T, where G_i is the Gram
/// matrix of model i's inputs to the layer (<see cref="ModelTensor.Statistics"/>, from the job's statistics phase) and
/// G̃_i = α G_i + (1 - α) diag(G_i) shrinks its off-diagonal entries by α = <c>reduce_non_diagonal_ratio</c> (0.9,
/// the paper's; 0 is a diagonal-weighted average). Tensors without Gram matrices (biases) are averaged. Solved in
/// float64 by Cholesky: Σ G̃_i is symmetric positive semi-definite, and <see cref="Ridge"/> makes it definite.
/// </summary>
public sealed class RegMeanMergeMethod : IStatisticsMergeMethod
{
    /// <summary>
    /// Added to the solved matrix's diagonal once per model, relative to the largest diagonal entry of any G_i: an
    /// input no model ever sees (a pixel that is 0 in every image) then gets the models' average weight, not a singular solve.
    /// </summary>
    public const double Ridge = 1e-6;

    public const double DefaultRatio = 0.9;

    /// <summary>The paper's α, named as FusionBench names it.</summary>
    public const string RatioParameter = "reduce_non_diagonal_ratio";

    public string Name => "regmean";

    public string StatisticsKind => StatisticsKinds.Gram;

    public BaseModelUse BaseModel => BaseModelUse.NotUsed;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global(RatioParameter, DefaultRatio),
        ParameterDefinition.Global(StatisticsSamples.Parameter, StatisticsSamples.Default),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var withGram = ctx.Models.Count(m => m.Statistics is not null);
        if (withGram == 0)
        {
            ctx.Output.Write(0, Average(ctx.Models.Select(m => m.Tensor.ReadAll()).ToList()));
            return;
        }

        if (withGram != ctx.Models.Count || ctx.Shape.Count != 2)
        {
            throw new MergeMethodException($"tensor '{ctx.TensorName}': RegMean needs a Gram matrix from every model for a 2-D weight; {withGram} of {ctx.Models.Count} models have one and the tensor has {ctx.Shape.Count} dimensions");
        }

        var outputs = (int)ctx.Shape[0];
        var inputs = (int)ctx.Shape[1];
        foreach (var model in ctx.Models)
        {
            var shape = model.Statistics!.Shape;
            if (shape.Count != 2 || shape[0] != inputs || shape[1] != inputs)
            {
                throw new MergeMethodException($"tensor '{ctx.TensorName}': model '{model.Model}' has a Gram matrix [{string.Join(", ", shape)}], but the weight has {inputs} inputs");
            }
        }

        var ratio = MethodParameters.Global(ctx, RatioParameter, DefaultRatio);
        var solved = Solve(
            ctx.Models.Select(m => m.Tensor.ReadAll()).ToList(),
            ctx.Models.Select(m => m.Statistics!.ReadAll()).ToList(),
            outputs,
            inputs,
            ratio,
            ctx.TensorName);
        ctx.Output.Write(0, solved);
    }

    /// <summary>The element-wise mean, summed in float64.</summary>
    public static float[] Average(IReadOnlyList<float[]> tensors)
    {
        var result = new float[tensors[0].Length];
        for (var e = 0; e < result.Length; e++)
        {
            var sum = 0.0;
            foreach (var t in tensors)
            {
                sum += t[e];
            }

            result[e] = (float)(sum / tensors.Count);
        }

        return result;
    }

    /// <summary>The RegMean weight [out, in] (row-major) from each model's weight [out, in] and Gram matrix [in, in].</summary>
    /// <exception cref="MergeMethodException">The combined matrix is not positive definite (non-finite statistics).</exception>
    public static float[] Solve(IReadOnlyList<float[]> weights, IReadOnlyList<float[]> grams, int outputs, int inputs, double ratio, string tensorName)
    {
        var largestDiagonal = 0f;
        foreach (var g in grams)
        {
            for (var k = 0; k < inputs; k++)
            {
                largestDiagonal = Math.Max(largestDiagonal, g[(k * inputs) + k]);
            }
        }

        var ridge = largestDiagonal > 0 ? Ridge * largestDiagonal : Ridge;
        var lhs = new double[inputs * inputs];
        var rhs = new double[inputs * outputs];
        var scaled = new double[inputs * inputs];
        for (var i = 0; i < weights.Count; i++)
        {
            var g = grams[i];
            for (var r = 0; r < inputs; r++)
            {
                for (var c = 0; c < inputs; c++)
                {
                    var value = ratio * g[(r * inputs) + c];
                    scaled[(r * inputs) + c] = r == c ? value + ((1 - ratio) * g[(r * inputs) + c]) + ridge : value;
                }
            }

            for (var e = 0; e < lhs.Length; e++)
            {
                lhs[e] += scaled[e];
            }

            // rhs[r, o] += Σ_k scaled[r, k] W_i[o, k]: both rows contiguous; rows are independent, so parallel and still deterministic.
            var w = weights[i];
            Parallel.For(0, inputs, r =>
            {
                var row = scaled.AsSpan(r * inputs, inputs);
                for (var o = 0; o < outputs; o++)
                {
                    var weightRow = w.AsSpan(o * inputs, inputs);
                    var sum = 0.0;
                    for (var k = 0; k < inputs; k++)
                    {
                        sum += row[k] * weightRow[k];
                    }

                    rhs[(r * outputs) + o] += sum;
                }
            });
        }

        CholeskySolve(lhs, rhs, inputs, outputs, tensorName);
        var result = new float[outputs * inputs];
        for (var r = 0; r < inputs; r++)
        {
            for (var o = 0; o < outputs; o++)
            {
                result[(o * inputs) + r] = (float)rhs[(r * outputs) + o];
            }
        }

        return result;
    }

    /// <summary>Solves A X = B in place (B [n, m] becomes X); A [n, n] symmetric positive definite, overwritten by its Cholesky factor.</summary>
    private static void CholeskySolve(double[] a, double[] b, int n, int m, string tensorName)
    {
        for (var j = 0; j < n; j++)
        {
            var pivot = a[(j * n) + j];
            for (var k = 0; k < j; k++)
            {
                pivot -= a[(j * n) + k] * a[(j * n) + k];
            }

            if (!(pivot > 0))
            {
                throw new MergeMethodException($"tensor '{tensorName}': RegMean's Gram matrices sum to a matrix that is not positive definite (pivot {pivot} at input {j}); are the statistics finite?");
            }

            var diagonal = Math.Sqrt(pivot);
            a[(j * n) + j] = diagonal;
            var rowJ = j * n;
            Parallel.For(j + 1, n, i =>
            {
                var sum = a[(i * n) + j];
                for (var k = 0; k < j; k++)
                {
                    sum -= a[(i * n) + k] * a[rowJ + k];
                }

                a[(i * n) + j] = sum / diagonal;
            });
        }

        // L Y = B, then L^T X = Y, a row of m right-hand sides at a time.
        for (var i = 0; i < n; i++)
        {
            var row = b.AsSpan(i * m, m);
            for (var k = 0; k < i; k++)
            {
                var factor = a[(i * n) + k];
                var other = b.AsSpan(k * m, m);
                for (var c = 0; c < m; c++)
                {
                    row[c] -= factor * other[c];
                }
            }

            var d = a[(i * n) + i];
            for (var c = 0; c < m; c++)
            {
                row[c] /= d;
            }
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var row = b.AsSpan(i * m, m);
            for (var k = i + 1; k < n; k++)
            {
                var factor = a[(k * n) + i];
                var other = b.AsSpan(k * m, m);
                for (var c = 0; c < m; c++)
                {
                    row[c] -= factor * other[c];
                }
            }

            var d = a[(i * n) + i];
            for (var c = 0; c < m; c++)
            {
                row[c] /= d;
            }
        }
    }
}

using System.Numerics.Tensors;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// WUDI-Merging ("whoever started the interference should end it", Cheng et al., ICML 2025), data-free: per 2-D
/// tensor, the merged task vector τ starts at Σ τ_i and takes iter_num Adam steps (learning rate lr, torch's
/// defaults otherwise) on L(τ) = Σ_i ‖(τ - τ_i)·τ_iᵀ‖²_F / ‖τ_i‖²_F, the interference of τ on the inputs each task
/// vector's rows span; out = base + τ. Other tensors take base + mean(τ_i). The gradient is closed-form,
/// ∇L = 2·(τ·G - B) with G = Σ_i τ_iᵀτ_i/‖τ_i‖² and B = Σ_i τ_i·τ_iᵀτ_i/‖τ_i‖², so a step costs one rows×cols×cols
/// product and no autograd. It runs in float64: at an optimum (one task, τ = τ_1) the closed form's float32 rounding
/// would leave gradients near 1e-7, above Adam's epsilon, which Adam would turn into full lr-sized steps (autograd
/// on τ - τ_1 gets an exact zero there); what rounding remains makes Adam dither at the scale of lr there. Defaults: 300 iterations at lr 1e-5
/// (the paper's; FusionBench's config runs 400).
/// </summary>
public sealed class WudiMethod : IMergeMethod
{
    public string Name => "wudi";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global("iter_num", 300),
        ParameterDefinition.Global("lr", 1e-5),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = ctx.Base!;
        var iterations = MethodParameters.Global(ctx, "iter_num", 300);
        var lr = MethodParameters.Global(ctx, "lr", 1e-5);
        if (iterations < 0 || iterations != Math.Floor(iterations))
        {
            throw new MergeMethodException($"tensor '{ctx.TensorName}': wudi's iter_num must be a whole number ≥ 0, got {iterations}");
        }
        if (!TaskMatrix.IsMatrix(ctx) || ctx.Models.Count == 0)
        {
            TaskMatrix.WriteMeanDelta(ctx, baseTensor, 1);
            return;
        }

        var (rows, cols) = TaskMatrix.Size(ctx);
        if ((long)cols * cols > Array.MaxLength)
        {
            throw new MergeMethodException($"tensor '{ctx.TensorName}': wudi's {cols}×{cols} Gram matrix is too large");
        }
        var tasks = ctx.Models.Select(m =>
        {
            var tau = new float[rows * cols];
            TaskVectors.Read(m.Tensor, baseTensor, 0, tau);
            return Array.ConvertAll(tau, x => (double)x);
        }).ToArray();

        var merged = Optimize(tasks, rows, cols, (int)iterations, lr);
        ChunkPlan.Flat(ctx).ForEach((_, start, length) =>
        {
            using var buf = new RentedBuffer<float>(length);
            baseTensor.Read(start, buf.Span);
            var o = buf.Span;
            for (var k = 0; k < length; k++)
            {
                o[k] = (float)(o[k] + merged[start + k]);
            }
            ctx.Output.Write(start, buf.Span);
        });
    }

    /// <summary>Adam on L from τ = Σ τ_i; the task vectors are row-major rows×cols.</summary>
    internal static double[] Optimize(IReadOnlyList<double[]> tasks, int rows, int cols, int iterations, double lr)
    {
        var size = rows * cols;
        var tau = new double[size];
        foreach (var t in tasks)
        {
            TensorPrimitives.Add(tau, t, tau);
        }
        if (iterations == 0)
        {
            return tau;
        }

        var g = new double[cols * cols];
        var b = new double[size];
        var gi = new double[cols * cols];
        var product = new double[size];
        foreach (var t in tasks)
        {
            var norm = TensorPrimitives.Dot(t, t);
            if (norm == 0)
            {
                // A zero task vector has no interference term (the reference would divide 0 by 0).
                continue;
            }
            Gram(t, rows, cols, gi);
            TensorPrimitives.MultiplyAdd(gi, 1 / norm, g, g);
            Multiply(t, gi, rows, cols, product);
            TensorPrimitives.MultiplyAdd(product, 1 / norm, b, b);
        }

        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var m = new double[size];
        var v = new double[size];
        var grad = product;
        for (var step = 1; step <= iterations; step++)
        {
            Multiply(tau, g, rows, cols, grad);
            TensorPrimitives.Subtract(grad, b, grad);
            TensorPrimitives.Multiply(grad, 2.0, grad);
            var bias1 = 1 - Math.Pow(beta1, step);
            var bias2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
            var stepSize = lr / bias1;
            for (var k = 0; k < size; k++)
            {
                var gk = grad[k];
                m[k] = beta1 * m[k] + (1 - beta1) * gk;
                v[k] = beta2 * v[k] + (1 - beta2) * gk * gk;
                tau[k] -= stepSize * m[k] / (Math.Sqrt(v[k]) / bias2Sqrt + eps);
            }
        }
        return tau;
    }

    /// <summary>out (cols×cols) = aᵀ·a for row-major a (rows×cols).</summary>
    private static void Gram(double[] a, int rows, int cols, double[] output)
    {
        Parallel.For(0, cols, i =>
        {
            var row = output.AsSpan(i * cols, cols);
            row.Clear();
            for (var r = 0; r < rows; r++)
            {
                var coefficient = a[r * cols + i];
                if (coefficient != 0)
                {
                    TensorPrimitives.MultiplyAdd(a.AsSpan(r * cols, cols), coefficient, row, row);
                }
            }
        });
    }

    /// <summary>out (rows×cols) = a (rows×cols) · s (cols×cols), row-major, one output row per task.</summary>
    private static void Multiply(double[] a, double[] s, int rows, int cols, double[] output)
    {
        Parallel.For(0, rows, r =>
        {
            var row = output.AsSpan(r * cols, cols);
            row.Clear();
            for (var k = 0; k < cols; k++)
            {
                var coefficient = a[r * cols + k];
                if (coefficient != 0)
                {
                    TensorPrimitives.MultiplyAdd(s.AsSpan(k * cols, cols), coefficient, row, row);
                }
            }
        });
    }
}

using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>
/// task_arithmetic, ties, dare_linear and dare_ties on torch, with the semantics of the C#
/// <see cref="GeneralizedTaskArithmetic"/>: sparsify each δ_i = x_i - base (TIES: top int(density·n) |δ|;
/// DARE: the shared counter-based draw), optionally rescale to the full L1 norm, weight, elect the sign of
/// the weighted sum (a tie counts as +) and keep agreeing entries, then out = base + λ·mix. The float32
/// steps follow the C# kernels' operation order; the one difference is that without sign consensus the
/// C# kernel sums the weighted deltas in double, where this sums them in float32.
/// </summary>
public sealed class TorchTaskArithmeticMethod : TorchMergeMethod
{
    // Held Scalars, the literals TorchSharp would otherwise make temporary (docs/architecture.md, "TorchSharp and the garbage collector").
    private static readonly Scalar Zero = 0f;
    private static readonly Scalar One = 1f;
    private static readonly Scalar AddAlpha = 1;

    private readonly GeneralizedTaskArithmetic cpuTwin;

    public TorchTaskArithmeticMethod(GeneralizedTaskArithmetic cpuTwin, string device)
        : base(cpuTwin, device)
    {
        if (!Supports(cpuTwin.Sparsifier))
        {
            throw new ArgumentException($"merge_method '{cpuTwin.Name}': the torch backend has no {cpuTwin.Sparsifier} sparsifier", nameof(cpuTwin));
        }

        this.cpuTwin = cpuTwin;
    }

    /// <summary>The sparsifiers implemented here; breadcrumbs and DELLA stay on the C# kernels.</summary>
    public static bool Supports(GtaSparsifier sparsifier) =>
        sparsifier is GtaSparsifier.None or GtaSparsifier.Magnitude or GtaSparsifier.Random;

    protected override Tensor Compute(MergeTensorContext ctx, torch.Device device)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = Upload(ctx.Base!, device);
        var models = ctx.Models;
        var n = models.Count;
        if (n == 0)
        {
            return baseTensor;
        }

        var normalize = MethodParameters.Flag(ctx, "normalize", cpuTwin.DefaultNormalize);
        var rescale = MethodParameters.Flag(ctx, "rescale", cpuTwin.DefaultRescale);
        var lambda = (float)MethodParameters.Global(ctx, "lambda", 1);
        var weights = models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray();
        var weighted = new Tensor[n];
        for (var i = 0; i < n; i++)
        {
            weighted[i] = WeightedDelta(ctx, i, baseTensor, weights[i], rescale, device);
        }

        var mix = cpuTwin.SignConsensus
            ? ConsensusMix(weighted, weights, normalize)
            : PlainMix(weighted, weights, normalize);
        using var lambdaScalar = lambda.ToScalar();
        var scaled = mix.mul(lambdaScalar);
        return baseTensor.add(scaled, AddAlpha);
    }

    /// <summary>δ_i sparsified, rescaled and multiplied by its weight (one rounding of scale·weight to float32, as in C#).</summary>
    private Tensor WeightedDelta(MergeTensorContext ctx, int i, Tensor baseTensor, double weight, bool rescale, torch.Device device)
    {
        using var scope = NewDisposeScope();
        var x = Upload(ctx.Models[i].Tensor, device);
        var delta = x.sub(baseTensor);
        x.Dispose();
        var keep = KeepMask(ctx, i, delta, device);
        var scale = 1.0;
        var sparse = delta;
        if (keep is not null)
        {
            // Dropped entries become +0, as the C# masks write them.
            using var drop = keep.logical_not();
            sparse = delta.masked_fill(drop, Zero);
            if (rescale)
            {
                // Norm matching rather than 1/density, as mergekit does since its PR #245.
                var (full, kept) = (TorchReductions.L1(delta), TorchReductions.L1(sparse));
                if (full >= 1e-7 && kept >= 1e-7)
                {
                    scale = full / kept;
                }
            }
        }

        using var factor = ((float)(scale * weight)).ToScalar();
        return sparse.mul(factor).MoveToOuterDisposeScope();
    }

    /// <summary>Which entries of δ_i survive sparsification; null when all do.</summary>
    private Tensor? KeepMask(MergeTensorContext ctx, int i, Tensor delta, torch.Device device)
    {
        var model = ctx.Models[i];
        var density = model.Get("density", 1);
        if (cpuTwin.Sparsifier == GtaSparsifier.None || density >= 1)
        {
            return null;
        }

        var total = delta.numel();
        switch (cpuTwin.Sparsifier)
        {
            case GtaSparsifier.Magnitude:
            {
                var k = (long)(density * total);
                if (k <= 0)
                {
                    throw new MergeMethodException(
                        $"tensor '{ctx.TensorName}': model '{model.Model}': density {density} keeps no element of {total} (int(density * numel) = 0)");
                }

                return k >= total ? null : TorchMagnitudeMask.TopK(delta, k);
            }
            case GtaSparsifier.Random:
                return TorchRandomMask.Draw(RandomKeepMask.StreamSeed(ctx.Seed, i), density, total, device);
            default:
                throw new InvalidOperationException($"unsupported sparsifier {cpuTwin.Sparsifier}");
        }
    }

    /// <summary>
    /// TIES sign consensus, element-wise and in model order as the C# ConsensusMix kernel: elect the sign of
    /// Σ wδ_i (≥ 0 → +), sum the entries carrying it (zeros never do) and, when normalising, divide by the
    /// weights of the agreeing models (1 where none agrees).
    /// </summary>
    private static Tensor ConsensusMix(Tensor[] weighted, double[] weights, bool normalize)
    {
        using var scope = NewDisposeScope();
        var total = weighted[0];
        for (var i = 1; i < weighted.Length; i++)
        {
            total = total.add(weighted[i], AddAlpha);
        }

        var positive = total.ge(Zero);
        var mix = zeros_like(weighted[0]);
        var divisor = zeros_like(weighted[0]);
        for (var i = 0; i < weighted.Length; i++)
        {
            using var weight = ((float)weights[i]).ToScalar();
            var agrees = where(positive, weighted[i].gt(Zero), weighted[i].lt(Zero));
            mix = mix.add(weighted[i].masked_fill(agrees.logical_not(), Zero), AddAlpha);
            divisor = divisor.add(agrees.to_type(ScalarType.Float32).mul(weight), AddAlpha);
        }

        if (normalize)
        {
            divisor = divisor.masked_fill(divisor.eq(Zero), One);
            mix = mix.div(divisor);
        }

        return mix.MoveToOuterDisposeScope();
    }

    /// <summary>Σ wδ_i, divided by Σ w_i when normalising (a divisor under 1e-8 in magnitude counts as 1, as in mergekit).</summary>
    private static Tensor PlainMix(Tensor[] weighted, double[] weights, bool normalize)
    {
        if (weighted.Length == 1 && !normalize)
        {
            return weighted[0];
        }

        using var scope = NewDisposeScope();
        var mix = weighted[0];
        for (var i = 1; i < weighted.Length; i++)
        {
            mix = mix.add(weighted[i], AddAlpha);
        }

        if (normalize)
        {
            var divisor = weights.Sum();
            if (Math.Abs(divisor) < 1e-8)
            {
                divisor = 1;
            }

            using var divisorScalar = ((float)divisor).ToScalar();
            mix = mix.div(divisorScalar);
        }

        return mix.MoveToOuterDisposeScope();
    }
}

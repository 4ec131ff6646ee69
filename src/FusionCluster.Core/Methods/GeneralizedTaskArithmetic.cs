using System.Numerics.Tensors;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// mergekit's generalized task arithmetic: sparsify each task vector δ_i = x_i - base, optionally elect a
/// per-element sign from the weighted deltas (ties → +) and keep only agreeing ones, then
/// out = base + λ·Σ w_i δ_i (/ Σ of the weights that contributed, when normalize).
/// Passes: one for every model's magnitude selections (none when a shared unit found them with other candidates', see
/// <see cref="IMagnitudeSelectingMethod"/>), one L1 pass when rescaling, one final pass.
/// </summary>
public sealed class GeneralizedTaskArithmetic : IMagnitudeSelectingMethod
{
    private readonly bool defaultNormalize;
    private readonly bool defaultRescale;

    public GeneralizedTaskArithmetic(string name, GtaSparsifier sparsifier, bool signConsensus, bool defaultNormalize,
        bool defaultRescale)
    {
        Name = name;
        Sparsifier = sparsifier;
        SignConsensus = signConsensus;
        this.defaultNormalize = defaultNormalize;
        this.defaultRescale = defaultRescale;
        var parameters = new List<ParameterDefinition>
        {
            ParameterDefinition.RequiredPerModel("weight"),
            ParameterDefinition.PerModel("density", 1),
        };
        if (sparsifier == GtaSparsifier.MagnitudeOutliers)
        {
            parameters.Add(ParameterDefinition.PerModel("gamma", 0.01));
        }
        if (sparsifier == GtaSparsifier.DellaMagprune)
        {
            parameters.Add(ParameterDefinition.PerModel("epsilon", 0.15));
        }
        parameters.Add(ParameterDefinition.Global("int8_mask", 0));
        parameters.Add(ParameterDefinition.Global("normalize", defaultNormalize ? 1 : 0));
        parameters.Add(ParameterDefinition.Global("rescale", defaultRescale ? 1 : 0));
        parameters.Add(ParameterDefinition.Global("lambda", 1));
        Parameters = parameters;
    }

    public string Name { get; }

    public GtaSparsifier Sparsifier { get; }

    /// <summary>TIES-style "sum" sign consensus.</summary>
    public bool SignConsensus { get; }

    /// <summary>normalize when the spec does not say (mergekit's registry default for this method).</summary>
    public bool DefaultNormalize => this.defaultNormalize;

    /// <summary>rescale when the spec does not say (mergekit's registry default for this method).</summary>
    public bool DefaultRescale => this.defaultRescale;

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; }

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = ctx.Base!;
        var models = ctx.Models;
        var n = models.Count;
        var plan = Sparsifier == GtaSparsifier.DellaMagprune ? ChunkPlan.Rows(ctx) : ChunkPlan.Flat(ctx);
        if (n == 0)
        {
            LinearCombination.Write(plan, [], [], baseTensor, ctx.Output);
            return;
        }

        var normalize = MethodParameters.Flag(ctx, "normalize", this.defaultNormalize);
        var rescale = MethodParameters.Flag(ctx, "rescale", this.defaultRescale);
        var lambda = MethodParameters.Global(ctx, "lambda", 1);
        var weights = models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray();
        var (masks, zeroed) = BuildMasks(ctx, plan);
        var weightSum = weights.Sum();
        var divisor = normalize && Math.Abs(weightSum) >= 1e-8 ? weightSum : 1;

        var scales = new double[n];
        Array.Fill(scales, 1.0);
        if (rescale && masks.Any(m => m is not null))
        {
            // Random decisions are drawn once, here, and recorded for the final pass (n bits per element at most).
            var recorded = masks.Select(m => m is RecordableDeltaMask ? new ulong[plan.Count][] : null).ToArray();
            var norms = plan.Reduce(2 * n, (start, length, acc) =>
            {
                var chunk = plan.ChunkIndexOf(start);
                using var buf = new RentedBuffer<float>(length);
                using var baseBuf = new RentedBuffer<float>(length);
                baseTensor.Read(start, baseBuf.Span);
                for (var i = 0; i < n; i++)
                {
                    if (masks[i] is null)
                    {
                        continue;
                    }
                    var d = buf.Span;
                    models[i].Tensor.Read(start, d);
                    GramMatrix.Subtract(d, baseBuf.Span);
                    if (masks[i] is RecordableDeltaMask recordable)
                    {
                        var keep = new ulong[KeepBits.Words(length)];
                        recordable.Decide(chunk, start, d, keep);
                        recorded[i]![chunk] = keep;
                        var (full, kept) = KeepBits.L1(d, keep);
                        acc[2 * i] += full;
                        acc[2 * i + 1] += kept;
                        continue;
                    }
                    acc[2 * i] += L1(d);
                    masks[i]!.Apply(chunk, start, d);
                    acc[2 * i + 1] += L1(d);
                }
            });
            for (var i = 0; i < n; i++)
            {
                if (recorded[i] is { } chunks)
                {
                    masks[i] = new RecordedDeltaMask(chunks);
                }
            }
            for (var i = 0; i < n; i++)
            {
                // Norm matching rather than 1/density, as mergekit does since its PR #245.
                var (full, kept) = (norms[2 * i], norms[2 * i + 1]);
                if (masks[i] is not null && full >= 1e-7 && kept >= 1e-7)
                {
                    scales[i] = full / kept;
                }
            }
        }

        plan.ForEach((chunk, start, length) =>
        {
            using var deltaBlock = new RentedBuffer<float>(n * length);
            using var outBuf = new RentedBuffer<float>(length);
            var all = deltaBlock.Span;
            var o = outBuf.Span;
            baseTensor.Read(start, o);
            for (var i = 0; i < n; i++)
            {
                var d = all.Slice(i * length, length);
                if (zeroed[i])
                {
                    d.Clear();
                    continue;
                }
                models[i].Tensor.Read(start, d);
                GramMatrix.Subtract(d, o);
                masks[i]?.Apply(chunk, start, d);
                var factor = (float)(scales[i] * weights[i]);
                if (factor != 1)
                {
                    TensorPrimitives.Multiply(d, factor, d);
                }
            }
            if (SignConsensus)
            {
                ConsensusMix.AddTo(all, length, weights, normalize, (float)lambda, o);
            }
            else
            {
                var mix = all[..length];
                for (var i = 1; i < n; i++)
                {
                    TensorPrimitives.Add(mix, all.Slice(i * length, length), mix);
                }
                TensorPrimitives.MultiplyAdd(mix, (float)(lambda / divisor), o, o);
            }
            ctx.Output.Write(start, o);
        });
    }

    /// <summary>
    /// Each model's sparsification. The magnitude selections of all models share one pass over the tensor (and one read
    /// of the base per chunk); selections found beforehand with other candidates' (<see cref="MergeTensorContext.Selections"/>)
    /// are taken as they are.
    /// </summary>
    private (DeltaMask?[] Masks, bool[] Zeroed) BuildMasks(MergeTensorContext ctx, ChunkPlan plan)
    {
        var sparsification = Sparsify(ctx, plan.Total);
        var wanted = sparsification.Selections;
        if (wanted.Count > 0)
        {
            var found = wanted.Select(w => ctx.Selections?.Find(w, plan)).ToArray();
            var missing = Enumerable.Range(0, wanted.Count).Where(r => found[r] is null).ToList();
            var selected = TaskVectors.SelectMagnitudes(plan, missing.Select(r => wanted[r]).ToList(), ctx.Models, ctx.Base!);
            for (var j = 0; j < missing.Count; j++)
            {
                found[missing[j]] = selected[j];
            }

            foreach (var (model, keep, drop) in sparsification.Pending)
            {
                sparsification.Masks[model] = new TopKDeltaMask(found[keep]!, drop is { } d ? found[d] : null);
            }
        }

        return (sparsification.Masks, sparsification.Zeroed);
    }

    public PlannedSelections? PlanSelections(MergeTensorContext ctx)
    {
        if (ctx.Base is null || ctx.Models.Count == 0 || Sparsifier is not (GtaSparsifier.Magnitude or GtaSparsifier.MagnitudeOutliers))
        {
            return null;
        }

        var plan = ChunkPlan.Flat(ctx);
        try
        {
            var selections = Sparsify(ctx, plan.Total).Selections;
            return selections.Count == 0 ? null : new PlannedSelections(plan, selections);
        }
        catch (MergeMethodException)
        {
            // The merge refuses these parameters itself, naming them.
            return null;
        }
    }

    /// <summary>
    /// Each model's sparsification before any tensor is read: the masks of random sparsifiers, which models are dropped
    /// whole, and the magnitude selections the others need (<see cref="Sparsification.Pending"/>: which of them keep and drop
    /// each model's elements).
    /// </summary>
    private Sparsification Sparsify(MergeTensorContext ctx, long total)
    {
        var models = ctx.Models;
        var sparsification = new Sparsification(new DeltaMask?[models.Count], new bool[models.Count], [], []);
        var selections = sparsification.Selections;
        for (var i = 0; i < models.Count; i++)
        {
            var model = models[i];
            var density = model.Get("density", 1);
            if (Sparsifier == GtaSparsifier.None || density >= 1)
            {
                continue;
            }

            switch (Sparsifier)
            {
                case GtaSparsifier.Magnitude:
                {
                    var k = (long)(density * total);
                    if (k <= 0)
                    {
                        throw new MergeMethodException(
                            $"tensor '{ctx.TensorName}': model '{model.Model}': density {density} keeps no element of {total} (int(density * numel) = 0)");
                    }
                    sparsification.Pending.Add((i, selections.Count, null));
                    selections.Add(new(i, k));
                    break;
                }
                case GtaSparsifier.Random:
                    sparsification.Masks[i] = new RandomDeltaMask(RandomKeepMask.StreamSeed(ctx.Seed, i), density);
                    break;
                case GtaSparsifier.MagnitudeOutliers:
                {
                    var gamma = model.Get("gamma", 0.01);
                    var target = (long)(density * total);
                    var top = (long)(gamma * total);
                    var bottom = total - target - top;
                    if (bottom < 0)
                    {
                        top += bottom;
                        bottom = 0;
                    }
                    if (top <= 0)
                    {
                        // mergekit slices argsort[n_bot:-0], which is empty: the whole task vector is dropped.
                        ctx.Warn($"tensor '{ctx.TensorName}': model '{model.Model}': int(gamma * numel) = 0, so (as in mergekit) its task vector is dropped");
                        sparsification.Zeroed[i] = true;
                        break;
                    }
                    sparsification.Pending.Add((i, selections.Count, selections.Count + 1));
                    selections.Add(new(i, total - bottom));
                    selections.Add(new(i, top));
                    break;
                }
                case GtaSparsifier.DellaMagprune:
                {
                    var epsilon = model.Get("epsilon", 0.15);
                    if (density <= 0)
                    {
                        sparsification.Zeroed[i] = true;
                        break;
                    }
                    if (density - epsilon <= 0 || density + epsilon >= 1)
                    {
                        throw new MergeMethodException(
                            $"tensor '{ctx.TensorName}': model '{model.Model}': epsilon {epsilon} with density {density} needs density - epsilon > 0 and density + epsilon < 1");
                    }
                    sparsification.Masks[i] = new DellaDeltaMask(CounterRng.Stream(ctx.Seed, i), density, epsilon, Math.Max(1, ctx.RowLength));
                    break;
                }
                default:
                    throw new InvalidOperationException($"unknown sparsifier {Sparsifier}");
            }
        }

        return sparsification;
    }

    private static double L1(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += Math.Abs(v);
        }
        return sum;
    }
}

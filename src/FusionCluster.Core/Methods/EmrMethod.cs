using System.Buffers.Binary;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Methods;

/// <summary>
/// EMR-Merging (Elect, Mask and Rescale; Huang et al., NeurIPS 2024), tuning-free: per tensor <see cref="EmrElection"/>
/// elects τ_uni; the checkpoint is the unified model base + τ_uni, and the sidecar files (<see cref="EmrFiles"/>) carry
/// τ_uni and each task's mask and rescaler statistics, from which <c>fusion eval --task</c> rebuilds task t's model
/// base + λ_t·M_t ⊙ τ_uni. Like FusionBench, λ_t is one number per task over the whole model.
/// </summary>
public sealed class EmrMethod : ISidecarMergeMethod
{
    public string Name => "emr";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [];

    public (IReadOnlyList<OutputShard> Shards, IReadOnlyList<TensorPlan> Tensors) LaySidecars(IReadOnlyList<TensorPlan> tensors, int firstShard) =>
        EmrFiles.Lay(tensors, firstShard);

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var n = ctx.ElementCount;
        if (n > Array.MaxLength)
        {
            throw new MergeMethodException($"tensor '{ctx.TensorName}': emr holds whole task vectors in memory; {n} elements are too many");
        }

        var baseValues = new float[n];
        ctx.Base!.Read(0, baseValues);
        var tasks = ctx.Models.Select(m =>
        {
            var tau = new float[n];
            TaskVectors.Read(m.Tensor, ctx.Base, 0, tau);
            return tau;
        }).ToList();
        var elected = EmrElection.Elect(tasks);
        var merged = new float[n];
        for (var k = 0; k < n; k++)
        {
            merged[k] = baseValues[k] + elected.Unified[k];
        }

        ctx.Output.Write(0, merged);
        if (ctx.Sidecars.Count == 0)
        {
            // Merged outside a job (no files to write to): the unified model alone.
            return;
        }

        if (ctx.Sidecars.Count != 1 + 2 * tasks.Count)
        {
            throw new MergeMethodException($"tensor '{ctx.TensorName}': emr expects {1 + 2 * tasks.Count} planned sidecar tensors, got {ctx.Sidecars.Count}");
        }

        ctx.Sidecars[0].Sink.Write(0, elected.Unified);
        var statistics = new byte[2 * sizeof(double)];
        for (var t = 0; t < tasks.Count; t++)
        {
            ctx.Sidecars[1 + 2 * t].WriteRaw(0, PackBits(elected.Masks[t]));
            BinaryPrimitives.WriteDoubleLittleEndian(statistics, elected.MeanAbsTask[t]);
            BinaryPrimitives.WriteDoubleLittleEndian(statistics.AsSpan(sizeof(double)), elected.MeanAbsMasked[t]);
            ctx.Sidecars[2 + 2 * t].WriteRaw(0, statistics);
        }
    }

    /// <summary>Element k in bit k mod 8 of byte k / 8 (numpy's packbits with bitorder="little").</summary>
    public static byte[] PackBits(bool[] mask)
    {
        var packed = new byte[EmrFiles.MaskBytes(mask.Length)];
        for (var k = 0; k < mask.Length; k++)
        {
            if (mask[k])
            {
                packed[k >> 3] |= (byte)(1 << (k & 7));
            }
        }

        return packed;
    }
}

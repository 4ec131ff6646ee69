namespace FusionCluster.Core.Methods;

/// <summary>
/// EMR-Merging (Elect, Mask and Rescale; Huang et al., NeurIPS 2024), data-free and tuning-free, as FusionBench
/// implements it: per tensor, elect γ = sign(Σ_t τ_t) (a zero sum counts as negative, as the reference's
/// <c>(x &gt; 0)·2 - 1</c>), τ_uni = γ ⊙ max_{t: τ_t·γ &gt; 0} |τ_t|, masks M_t = [τ_t·γ &gt; 0]; one rescaler per task over
/// the whole model, λ_t = Σ_tensors mean|τ_t| / Σ_tensors mean|M_t ⊙ τ_uni|; task t's model is base + λ_t·M_t ⊙ τ_uni.
/// The rules of <see cref="EmrMethod"/> (the merge_method <c>emr</c>), kept as a plain type for its tests.
/// </summary>
public static class EmrElection
{
    /// <summary>Elects the unified task vector and the masks of one tensor from its task vectors (equal lengths).</summary>
    public static EmrTensor Elect(IReadOnlyList<float[]> taskVectors)
    {
        if (taskVectors.Count == 0)
        {
            throw new MergeMethodException("emr needs at least one task vector");
        }
        var length = taskVectors[0].Length;
        if (taskVectors.Any(t => t.Length != length))
        {
            throw new MergeMethodException($"emr: task vectors differ in length ({string.Join(", ", taskVectors.Select(t => t.Length))})");
        }

        var tasks = taskVectors.Count;
        var unified = new float[length];
        var masks = Enumerable.Range(0, tasks).Select(_ => new bool[length]).ToArray();
        var absTask = new double[tasks];
        for (var k = 0; k < length; k++)
        {
            double sum = 0;
            for (var t = 0; t < tasks; t++)
            {
                sum += taskVectors[t][k];
                absTask[t] += Math.Abs(taskVectors[t][k]);
            }
            var sign = sum > 0 ? 1f : -1f;
            var max = 0f;
            for (var t = 0; t < tasks; t++)
            {
                var v = taskVectors[t][k];
                if (v * sign > 0)
                {
                    masks[t][k] = true;
                    max = Math.Max(max, Math.Abs(v));
                }
            }
            unified[k] = sign * max;
        }

        var absMasked = new double[tasks];
        for (var t = 0; t < tasks; t++)
        {
            for (var k = 0; k < length; k++)
            {
                if (masks[t][k])
                {
                    absMasked[t] += Math.Abs(unified[k]);
                }
            }
        }
        var n = Math.Max(1, length);
        return new EmrTensor(unified, masks, absTask.Select(a => a / n).ToArray(), absMasked.Select(a => a / n).ToArray());
    }

    /// <summary>λ_t over every tensor of the model: Σ mean|τ_t| / Σ mean|M_t ⊙ τ_uni|.</summary>
    public static double[] Rescalers(IReadOnlyList<EmrTensor> tensors)
    {
        var tasks = tensors.Count == 0 ? 0 : tensors[0].Masks.Length;
        var rescalers = new double[tasks];
        for (var t = 0; t < tasks; t++)
        {
            var numerator = tensors.Sum(x => x.MeanAbsTask[t]);
            var denominator = tensors.Sum(x => x.MeanAbsMasked[t]);
            // A task whose masked unified vector is zero everywhere has a zero task vector too: nothing to rescale.
            rescalers[t] = denominator == 0 ? 1 : numerator / denominator;
        }
        return rescalers;
    }

    /// <summary>Task t's modulated task vector λ_t·M_t ⊙ τ_uni for one tensor.</summary>
    public static float[] TaskVector(EmrTensor tensor, int task, double rescaler)
    {
        var result = new float[tensor.Unified.Length];
        var mask = tensor.Masks[task];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = mask[k] ? (float)(rescaler * tensor.Unified[k]) : 0f;
        }
        return result;
    }
}

namespace FusionCluster.Core.Methods;

/// <summary>
/// EMR-Merging's result for one tensor: the unified task vector, each task's mask (where the task vector agrees
/// with the elected sign) and the two per-task means the model-wide rescaler is made of.
/// </summary>
/// <param name="Unified">τ_uni = γ ⊙ max over agreeing tasks of |τ_t|, with γ the elected sign.</param>
/// <param name="Masks">M_t = [τ_t ⊙ γ &gt; 0], one per task.</param>
/// <param name="MeanAbsTask">mean |τ_t| per task.</param>
/// <param name="MeanAbsMasked">mean |M_t ⊙ τ_uni| per task.</param>
public sealed record EmrTensor(float[] Unified, bool[][] Masks, double[] MeanAbsTask, double[] MeanAbsMasked);

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>Magnitude selections found before a merge (together with other candidates'), by model index and k.</summary>
public sealed class FoundSelections(IReadOnlyDictionary<MagnitudeSelection, TopKSelection> found)
{
    /// <summary>The selection of <paramref name="wanted"/> over <paramref name="plan"/>'s chunks, or null when it was not found beforehand.</summary>
    public TopKSelection? Find(MagnitudeSelection wanted, ChunkPlan plan) =>
        found.TryGetValue(wanted, out var selection) && selection.IsOver(plan) ? selection : null;
}

namespace FusionCluster.Evaluation.Ensembles;

/// <summary>One model of an ensemble.</summary>
/// <param name="Path">The path as ensemble.json writes it: relative to the ensemble's folder, or absolute.</param>
/// <param name="Folder">The member's checkpoint folder, resolved to a full path.</param>
/// <param name="Weight">Its weight as written (non-negative); <see cref="EnsembleManifest.NormalizedWeights"/> sum to 1.</param>
public sealed record EnsembleMember(string Path, string Folder, double Weight);

using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Sweeps;

/// <summary>One merge of a sweep: the point, the merge spec it makes (YAML), and that spec in canonical form.</summary>
public sealed record SweepCandidateSpec(SweepPoint Point, string SpecText, string CanonicalSpec, MergeSpec Spec);

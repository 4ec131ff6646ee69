using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Grains.Jobs.Planning;

/// <summary>A planned job with its output staged: where it goes, and the input versions its units must read.</summary>
/// <param name="Output">The staged output (null for a dispatch probe, which writes nothing).</param>
public sealed record StagedJob(MergePlan Plan, string OutputLocation, IMergeOutput? Output, Dictionary<string, string[]>? InputVersions);

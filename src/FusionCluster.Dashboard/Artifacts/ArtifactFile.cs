namespace FusionCluster.Dashboard.Artifacts;

/// <summary>One published file of a merge's output.</summary>
public sealed record ArtifactFile(string Name, long Bytes, DateTimeOffset? LastModified);

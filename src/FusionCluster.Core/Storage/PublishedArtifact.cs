namespace FusionCluster.Core.Storage;

/// <summary>One file of a published merge, as its manifest lists it (and when it was last written, where the store knows).</summary>
public sealed record PublishedArtifact(string Name, long Bytes, DateTimeOffset? LastModified);

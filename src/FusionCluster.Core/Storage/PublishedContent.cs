namespace FusionCluster.Core.Storage;

/// <summary>One small file to publish whole (a result document, a plot): its plain name and bytes.</summary>
public sealed record PublishedContent(string Name, ReadOnlyMemory<byte> Bytes);

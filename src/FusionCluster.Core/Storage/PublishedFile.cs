namespace FusionCluster.Core.Storage;

/// <summary>A small file published beside the weights (config, tokenizer, index, report).</summary>
public sealed record PublishedFile(string Name, byte[] Content);

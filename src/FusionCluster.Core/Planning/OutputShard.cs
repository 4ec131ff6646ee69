namespace FusionCluster.Core.Planning;

/// <summary>One output safetensors file, fully laid out before any unit runs.</summary>
/// <param name="FileName">e.g. model-00001-of-00003.safetensors.</param>
/// <param name="Header">The complete header bytes (length prefix, JSON, padding).</param>
/// <param name="FileLength">Header plus data.</param>
public sealed record OutputShard(string FileName, byte[] Header, long FileLength);

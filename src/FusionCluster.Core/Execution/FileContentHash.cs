namespace FusionCluster.Core.Execution;

/// <summary>The SHA-256 (lower-case hex) of one input file's entire content, and its size.</summary>
public sealed record FileContentHash(string FileName, long Bytes, string Sha256);

namespace FusionCluster.Core.Storage;

/// <summary>One weight file of a checkpoint: its name, size and the SHA-256 of its safetensors header.</summary>
public sealed record WeightFileInfo(string FileName, long Bytes, string HeaderSha256);

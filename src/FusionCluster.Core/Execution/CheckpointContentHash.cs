namespace FusionCluster.Core.Execution;

/// <summary>Content hashes of one input checkpoint.</summary>
/// <param name="WeightFiles">Every weight file, in <see cref="Storage.ICheckpoint.WeightFiles"/> order, hashed at the version the merge read.</param>
/// <param name="OtherFiles">config.json and the tokenizer files, as stored when they were hashed.</param>
public sealed record CheckpointContentHash(IReadOnlyList<FileContentHash> WeightFiles, IReadOnlyList<FileContentHash> OtherFiles);

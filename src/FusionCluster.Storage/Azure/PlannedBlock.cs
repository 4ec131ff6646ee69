namespace FusionCluster.Storage.Azure;

/// <summary>One block of an output shard as the plan lays it out.</summary>
/// <param name="Id">The block ID (see <see cref="BlockIds"/>).</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Tensor">The tensor it holds part of, or null for the shard's header.</param>
/// <param name="Part">Which part of the tensor (0-based).</param>
/// <param name="Parts">How many parts the tensor has.</param>
internal sealed record PlannedBlock(string Id, long Bytes, string? Tensor, int Part, int Parts);

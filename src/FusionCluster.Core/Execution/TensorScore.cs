namespace FusionCluster.Core.Execution;

/// <summary>
/// One output tensor's metric sums from a scoring unit (<see cref="OutputScoring"/>), with where the tensor lies in
/// the output (shard, then offset: the order a reader of the written model meets it), so the job can combine every
/// tensor's sums in that order. <paramref name="Sums"/> is the scorer's own serialised form.
/// </summary>
public sealed record TensorScore(string Tensor, int Shard, long Offset, string Sums);

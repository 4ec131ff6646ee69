namespace FusionCluster.Core.Formats;

/// <summary>One output file of a <see cref="ShardPlan"/>: its name and tensors in data order.</summary>
public sealed record PlannedShard(string FileName, IReadOnlyList<TensorDescriptor> Tensors)
{
    /// <summary>Tensor bytes, not counting the header.</summary>
    public long DataBytes => Tensors.Sum(t => t.ByteLength);
}

using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Planning;

/// <summary>What planning needs to know about one input tensor: never its data.</summary>
public sealed record TensorHeader(DType DType, long[] Shape);

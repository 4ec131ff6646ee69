namespace FusionCluster.Core.Planning;

/// <summary>A tensor a <see cref="RowMap"/> takes rows from: a model (reference as in the spec) and the tensor's name in it.</summary>
public sealed record RowSourceTensor(string Model, string Tensor);

namespace FusionCluster.Core.Execution;

/// <summary>
/// Sent with a job whose units score their candidates instead of writing them (a sweep with
/// <c>outputs: {publish: best}</c>): the <c>tensors</c> evaluator's reference models (name and local folder, in the
/// evaluator's order) and base. Each unit computes every output tensor in memory, in the output dtype, and returns
/// its metric sums (<see cref="TensorScore"/>); the job combines them in the output's tensor order.
/// </summary>
public sealed record OutputScoring(IReadOnlyList<string> CompareNames, IReadOnlyList<string> CompareFolders, string? BaseFolder);

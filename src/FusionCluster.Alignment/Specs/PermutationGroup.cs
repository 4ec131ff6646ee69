namespace FusionCluster.Alignment.Specs;

/// <summary>A set of units permuted together, such as the hidden units of one layer or the KV heads of one block.</summary>
/// <param name="Name">Unique within its spec; it names the group in reports and permutations.json.</param>
/// <param name="Size">How many units it permutes.</param>
public sealed record PermutationGroup(string Name, int Size);

namespace FusionCluster.Alignment.Matching;

/// <summary>
/// What weight matching decided for one permutation group. The objectives are the group's last linear
/// assignment problem, Σ_i S[i, π(i)] with S = Σ W_ref · P(W_other) over its tensors and every other
/// group at its final permutation: <see cref="ObjectiveBefore"/> with this group left unpermuted,
/// <see cref="ObjectiveAfter"/> with <see cref="Permutation"/>.
/// </summary>
/// <param name="Permutation">Unit u of the aligned model is unit Permutation[u] of the original.</param>
public sealed record GroupAlignment(string Group, int[] Permutation, int UnitsMoved, double ObjectiveBefore, double ObjectiveAfter);

namespace FusionCluster.Core.Planning;

/// <summary>One candidate's unit inside a shared unit of a shared-input job.</summary>
/// <param name="Candidate">The candidate's index in <see cref="MergePlan.Candidates"/>.</param>
/// <param name="Unit">The unit's index in that candidate's own plan.</param>
public sealed record UnitMember(int Candidate, int Unit);

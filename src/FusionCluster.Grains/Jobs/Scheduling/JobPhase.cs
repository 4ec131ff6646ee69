namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>
/// One phase of a job: a set of units (indices into the job's unit list) that may start only once every
/// phase in <paramref name="After"/> (indices of earlier phases) is complete. An alignment phase whose
/// units produce permutations, then a merge phase after it that reads them, is two phases.
/// </summary>
public sealed record JobPhase(string Name, IReadOnlyList<int> Units, IReadOnlyList<int> After);

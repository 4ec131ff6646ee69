using FusionCluster.Core.Planning;

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>A job's units and its ordered phases, as planning lays them out for <see cref="UnitScheduler"/>.</summary>
public sealed record JobSchedule(IReadOnlyList<ScheduledUnit> Units, IReadOnlyList<JobPhase> Phases)
{
    public const string MergePhase = "merge";

    /// <summary>Today's jobs: one merge phase holding every unit of the plan.</summary>
    public static JobSchedule ForMerge(MergePlan plan)
    {
        var units = plan.Units.Select(u => new ScheduledUnit(u.Name, u.InputBytes, u.DependsOn)).ToList();
        return new JobSchedule(units, [new JobPhase(MergePhase, Enumerable.Range(0, units.Count).ToList(), [])]);
    }
}

using FusionCluster.Core.Planning;

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>A job's units and its ordered phases, as planning lays them out for <see cref="UnitScheduler"/>.</summary>
public sealed record JobSchedule(IReadOnlyList<ScheduledUnit> Units, IReadOnlyList<JobPhase> Phases)
{
    public const string MergePhase = "merge";

    public const string AlignPhase = "align";

    /// <summary>Today's jobs: one merge phase holding every unit of the plan.</summary>
    public static JobSchedule ForMerge(MergePlan plan)
    {
        var units = plan.Units.Select(u => new ScheduledUnit(u.Name, u.InputBytes, u.DependsOn)).ToList();
        return new JobSchedule(units, [new JobPhase(MergePhase, Enumerable.Range(0, units.Count).ToList(), [])]);
    }

    /// <summary>
    /// The plan's schedule. With an alignment phase (the spec's <c>align:</c>) its units, one per aligned
    /// model, follow the merge units in index order (so a merge unit's index stays its plan index) and form
    /// the first phase; the merge phase comes after it and reads its permutations. The units of the
    /// alignment phase are independent, so several models align in parallel on different silos.
    /// </summary>
    public static JobSchedule For(MergePlan plan)
    {
        if (plan.Align is not { } align)
        {
            return ForMerge(plan);
        }

        var merge = ForMerge(plan);
        var first = merge.Units.Count;
        var units = merge.Units.Concat(align.Models.Select(m => new ScheduledUnit(AlignUnitName(m), 0, []))).ToList();
        return new JobSchedule(
            units,
            [
                new JobPhase(AlignPhase, Enumerable.Range(first, align.Models.Count).ToList(), []),
                new JobPhase(MergePhase, Enumerable.Range(0, first).ToList(), [0]),
            ]);
    }

    /// <summary>The unit that aligns <paramref name="model"/> to the reference.</summary>
    public static string AlignUnitName(string model) => $"align {model}";

    /// <summary>The name of the phase each unit belongs to, by unit index.</summary>
    public IReadOnlyList<string> PhaseNames()
    {
        var names = new string[Units.Count];
        foreach (var phase in Phases)
        {
            foreach (var unit in phase.Units)
            {
                names[unit] = phase.Name;
            }
        }

        return names;
    }
}

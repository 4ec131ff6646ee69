using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>A job's units and its ordered phases, as planning lays them out for <see cref="UnitScheduler"/>.</summary>
public sealed record JobSchedule(IReadOnlyList<ScheduledUnit> Units, IReadOnlyList<JobPhase> Phases)
{
    public const string MergePhase = "merge";

    public const string AlignPhase = "align";

    public const string StatisticsPhase = "statistics";

    /// <summary>The last phase of a scoring job that publishes its best: one unit per scoring unit, writing the best's members not written while scoring.</summary>
    public const string BestPhase = "best";

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
    /// alignment phase are independent, so several models align in parallel on different silos. A data-aware
    /// method's statistics phase (one unit per model; per model and decoder block for a language model) follows likewise, and the merge phase reads its results too.
    /// </summary>
    /// <param name="writesBest">
    /// The job scores its candidates and publishes the best (<see cref="Core.Execution.OutputScoring.PublishBest"/>): a
    /// best phase follows the merge phase, one unit per merge unit (index: the merge unit's plus their count).
    /// </param>
    public static JobSchedule For(MergePlan plan, bool writesBest = false)
    {
        if (writesBest)
        {
            var scoring = ForMerge(plan);
            var count = scoring.Units.Count;
            var best = plan.Units.Select(u => new ScheduledUnit(BestUnitName(u.Name), 0, []));
            return new JobSchedule(
                [.. scoring.Units, .. best],
                [.. scoring.Phases, new JobPhase(BestPhase, Enumerable.Range(count, count).ToList(), [0])]);
        }

        if (plan.Align is null && plan.Statistics is null)
        {
            return ForMerge(plan);
        }

        var merge = ForMerge(plan);
        var units = merge.Units.ToList();
        var phases = new List<JobPhase>();
        if (plan.Align is { } align)
        {
            phases.Add(new JobPhase(AlignPhase, Enumerable.Range(units.Count, align.Models.Count).ToList(), []));
            units.AddRange(align.Models.Select(m => new ScheduledUnit(AlignUnitName(m), 0, [])));
        }

        // A data-aware method's statistics: one unit per model, independent of each other (and of alignment),
        // so the models' forward and backward passes run in parallel on different silos.
        // A sequential kind (RegMean++) has one such phase per layer, each after the previous: a layer's statistics
        // need the merge of the layers before it, which its units solve from the previous phase's results.
        if (plan.Statistics is { } statistics)
        {
            if (StatisticsKinds.IsJoint(statistics.Kind))
            {
                phases.Add(new JobPhase(StatisticsPhase, [units.Count], []));
                units.Add(new ScheduledUnit(CoefficientsUnitName, 0, []));
            }
            else if (statistics.Blocks > 0 && StatisticsKinds.IsSequential(statistics.Kind))
            {
                // RegMean++ of a language model: a phase per decoder block, after every earlier block's phase, since
                // its units run each model's text through the merge of all the blocks before theirs.
                var earlier = new List<int>();
                for (var block = 0; block < statistics.Blocks; block++)
                {
                    phases.Add(new JobPhase(StatisticsPhase, Enumerable.Range(units.Count, statistics.Models.Count).ToList(), [.. earlier]));
                    earlier.Add(phases.Count - 1);
                    units.AddRange(statistics.Models.Select(m => new ScheduledUnit(StatisticsBlockUnitName(m, block), 0, [])));
                }
            }
            else if (statistics.Blocks > 0)
            {
                // A language model's Gram matrices: one unit per model and decoder block, all independent.
                phases.Add(new JobPhase(StatisticsPhase, Enumerable.Range(units.Count, statistics.Models.Count * statistics.Blocks).ToList(), []));
                for (var block = 0; block < statistics.Blocks; block++)
                {
                    units.AddRange(statistics.Models.Select(m => new ScheduledUnit(StatisticsBlockUnitName(m, block), 0, [])));
                }
            }
            else if (statistics.Layers == 0)
            {
                phases.Add(new JobPhase(StatisticsPhase, Enumerable.Range(units.Count, statistics.Models.Count).ToList(), []));
                units.AddRange(statistics.Models.Select(m => new ScheduledUnit(StatisticsUnitName(m), 0, [])));
            }

            for (var layer = 0; layer < statistics.Layers; layer++)
            {
                phases.Add(new JobPhase(StatisticsPhase, Enumerable.Range(units.Count, statistics.Models.Count).ToList(), layer == 0 ? [] : [phases.Count - 1]));
                units.AddRange(statistics.Models.Select(m => new ScheduledUnit(StatisticsUnitName(m, layer), 0, [])));
            }
        }

        phases.Add(new JobPhase(MergePhase, Enumerable.Range(0, merge.Units.Count).ToList(), Enumerable.Range(0, phases.Count).ToList()));
        return new JobSchedule(units, phases);
    }

    /// <summary>The one unit of a joint statistics kind (AdaMerging's coefficients, learned from all models at once).</summary>
    public const string CoefficientsUnitName = "coefficients";

    /// <summary>The unit that computes <paramref name="model"/>'s statistics on its dataset.</summary>
    public static string StatisticsUnitName(string model) => $"statistics {model}";

    /// <summary>The unit that computes <paramref name="model"/>'s statistics of one layer (a sequential kind).</summary>
    public static string StatisticsUnitName(string model, int layer) => $"statistics {model} layer {layer}";

    /// <summary>The unit that computes <paramref name="model"/>'s statistics of one decoder block (a language model).</summary>
    public static string StatisticsBlockUnitName(string model, int block) => $"statistics {model} block {block}";

    /// <summary>The unit of the best phase that completes the best candidate's part of shared unit <paramref name="unit"/>.</summary>
    public static string BestUnitName(string unit) => $"best {unit}";

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

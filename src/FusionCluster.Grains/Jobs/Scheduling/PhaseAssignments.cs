using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>What a worker is sent for each unit of a <see cref="JobSchedule.For"/> schedule: merge units with the alignment and statistics phases' results, alignment and statistics units with their model.</summary>
public static class PhaseAssignments
{
    /// <param name="index">The unit's index in the schedule.</param>
    /// <param name="inputs">The results of the phases the unit comes after (<see cref="UnitScheduler.InputsOf"/>).</param>
    public static UnitAssignment For(
        string jobId, MergePlan plan, int index, IReadOnlyList<PhaseOutput> inputs, string outputLocation, string device, IReadOnlyDictionary<string, string[]>? inputVersions)
    {
        var merged = plan.Units.Count;
        if (index < merged)
        {
            var assignment = UnitAssignment.For(jobId, plan, plan.Units[index], outputLocation, device, inputVersions);
            if (plan.Align is not null)
            {
                assignment = assignment with { Align = plan.Align, AlignResults = inputs.Where(p => p.Phase == JobSchedule.AlignPhase).Select(p => p.Result).ToList() };
            }

            return plan.Statistics is null
                ? assignment
                : assignment with { Statistics = plan.Statistics, StatisticsResults = inputs.Where(p => p.Phase == JobSchedule.StatisticsPhase).Select(p => p.Result).ToList() };
        }

        var aligned = plan.Align?.Models.Count ?? 0;
        if (index - merged >= aligned)
        {
            var statistics = plan.Statistics ?? throw new ArgumentOutOfRangeException(nameof(index), $"unit {index} is past the plan's {merged} merge units and {aligned} alignment units, and the job computes no statistics");
            var offset = index - merged - aligned;
            if (statistics.Learning is { } learning)
            {
                // The one unit that learns every model's coefficients; it is named after the base they are relative to.
                var coefficientsUnit = new WorkUnit { Index = index, Name = JobSchedule.CoefficientsUnitName, Tensors = [] };
                return UnitAssignment.For(jobId, plan, coefficientsUnit, outputLocation, device, inputVersions) with { Statistics = statistics, StatisticsModel = learning.Base };
            }

            var of = statistics.Models[offset % statistics.Models.Count];
            if (statistics.Layers > 0)
            {
                // Layer by layer, models within a layer: a unit reads the previous layer's units' results.
                var layer = offset / statistics.Models.Count;
                var layerUnit = new WorkUnit { Index = index, Name = JobSchedule.StatisticsUnitName(of, layer), Tensors = [] };
                return UnitAssignment.For(jobId, plan, layerUnit, outputLocation, device, inputVersions) with
                {
                    Statistics = statistics,
                    StatisticsModel = of,
                    StatisticsLayer = layer,
                    StatisticsResults = inputs.Where(p => p.Phase == JobSchedule.StatisticsPhase).Select(p => p.Result).ToList(),
                };
            }

            if (statistics.Blocks > 0)
            {
                // Blocks in order, models within a block, as JobSchedule lays them out. A RegMean++ unit reads the
                // earlier blocks' units' results (the other kinds' block phases come after no phase: none).
                var block = offset / statistics.Models.Count;
                var blockUnit = new WorkUnit { Index = index, Name = JobSchedule.StatisticsBlockUnitName(of, block), Tensors = [] };
                return UnitAssignment.For(jobId, plan, blockUnit, outputLocation, device, inputVersions) with
                {
                    Statistics = statistics,
                    StatisticsModel = of,
                    StatisticsBlock = block,
                    StatisticsResults = inputs.Where(p => p.Phase == JobSchedule.StatisticsPhase).Select(p => p.Result).ToList(),
                };
            }

            var statisticsUnit = new WorkUnit { Index = index, Name = JobSchedule.StatisticsUnitName(of), Tensors = [] };
            return UnitAssignment.For(jobId, plan, statisticsUnit, outputLocation, device, inputVersions) with { Statistics = statistics, StatisticsModel = of };
        }

        var align = plan.Align ?? throw new ArgumentOutOfRangeException(nameof(index), $"unit {index} is past the plan's {merged} units and the job aligns nothing");
        var model = align.Models[index - merged];
        var unit = new WorkUnit { Index = index, Name = JobSchedule.AlignUnitName(model), Tensors = [] };
        return UnitAssignment.For(jobId, plan, unit, outputLocation, device, inputVersions) with { Align = align, AlignModel = model };
    }
}

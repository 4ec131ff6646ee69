using FusionCluster.Cli.Hosting;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Tests.Hosting;

public sealed class StatisticsPhaseTimingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_phase_runs_from_its_first_attempt_to_its_last_unit_end_and_counts_the_silos_units_finished_on()
    {
        UnitStatus[] units =
        [
            Unit(0, "merge", "silo-1", (0, 100)),
            // A unit lost on silo-3 and finished on silo-2: its first attempt starts the phase.
            Unit(1, "statistics", "silo-2", (2, 5), (6, 9)),
            Unit(2, "statistics", "silo-1", (3, 12.5)),
            Unit(3, "statistics", "silo-2", (4, 7)),
        ];
        units[1] = units[1] with { History = [units[1].History[0] with { Silo = "silo-3" }, units[1].History[1]] };

        var run = StatisticsPhaseTiming.Of(units);

        Assert.Equal(10.5, run.StatisticsSeconds, 9);
        Assert.Equal(2, run.StatisticsSilos);
    }

    [Fact]
    public void A_job_without_a_statistics_phase_reports_none()
    {
        var run = StatisticsPhaseTiming.Of([Unit(0, "merge", "silo-1", (0, 3)), Unit(1, "align", "silo-1", (0, 1))]);

        Assert.Equal((0.0, 0), (run.StatisticsSeconds, run.StatisticsSilos));
    }

    private static UnitStatus Unit(int index, string phase, string silo, params (double Start, double End)[] attempts) => new()
    {
        Index = index,
        Name = $"unit {index}",
        State = UnitState.Done,
        Phase = phase,
        Silo = silo,
        History = attempts.Select((a, i) => new UnitAttempt
        {
            Attempt = i + 1,
            Silo = silo,
            StartedAt = T0.AddSeconds(a.Start),
            EndedAt = T0.AddSeconds(a.End),
            Outcome = UnitAttemptOutcome.Succeeded,
        }).ToList(),
    };
}

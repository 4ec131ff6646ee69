using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Tests.Sweeps;

public sealed class SweepScheduleEditorTests
{
    private const string Sweep = """
        name: nightly
        template:
          merge_method: task_arithmetic
          base_model: base
          models:
            - model: ft-1
              parameters: {weight: 0.5}
            - model: ft-2
              parameters: {weight: 0.5}
        space:
          grid:
            models[0].parameters.weight: [0.2, 0.4, 0.6]
        schedule: {cron: "0 3 * * *", time_zone: UTC, overlap: skip}
        evaluator:
          accuracy: {dataset: digits.fcds}
        objective: {metric: accuracy}
        out: out
        """;

    [Fact]
    public void A_new_schedule_replaces_the_old_and_nothing_else_changes()
    {
        var before = SweepSpecParser.Parse(Sweep, "sweep.yaml", "/sweeps");

        var edited = SweepScheduleEditor.WithSchedule(Sweep, "30 6 * * 1-5", "Europe/Berlin", OverlapPolicy.Queue);
        var after = SweepSpecParser.Parse(edited, "sweep.yaml", "/sweeps");

        Assert.Equal("30 6 * * 1-5", after.Schedule!.Cron);
        Assert.Equal("Europe/Berlin", after.Schedule.TimeZoneId);
        Assert.Equal(OverlapPolicy.Queue, after.Schedule.Overlap);
        Assert.Equal(before.Name, after.Name);
        Assert.Equal(before.Points.Select(p => p.Label), after.Points.Select(p => p.Label));
        Assert.Equal(before.Output, after.Output);
    }

    [Fact]
    public void No_cron_removes_the_schedule()
    {
        var edited = SweepScheduleEditor.WithSchedule(Sweep, null, null, OverlapPolicy.Skip);

        Assert.Null(SweepSpecParser.Parse(edited, "sweep.yaml", "/sweeps").Schedule);
    }

    [Fact]
    public void A_bad_cron_is_caught_by_parsing_the_result()
    {
        var edited = SweepScheduleEditor.WithSchedule(Sweep, "not a cron", null, OverlapPolicy.Skip);

        var error = Assert.Throws<FusionCluster.Core.Specs.SpecException>(() => SweepSpecParser.Parse(edited, "sweep.yaml", "/sweeps"));
        Assert.Contains("schedule", error.Message, StringComparison.Ordinal);
    }
}

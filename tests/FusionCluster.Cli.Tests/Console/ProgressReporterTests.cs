using FusionCluster.Cli.Console;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Cli.Tests.Console;

public sealed class ProgressReporterTests
{
    private readonly FakeTimeProvider clock = new();
    private readonly StringWriter output = new();

    [Fact]
    public void A_log_gets_no_line_for_a_merge_shorter_than_the_interval()
    {
        var reporter = new ProgressReporter(quiet: false, output, interactive: false, clock);

        reporter.Report(Running(unitsDone: 0));
        clock.Advance(TimeSpan.FromSeconds(4));
        reporter.Report(Running(unitsDone: 20));
        reporter.Finish();

        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void A_log_gets_a_line_every_interval_from_the_first_report()
    {
        var reporter = new ProgressReporter(quiet: false, output, interactive: false, clock);

        reporter.Report(Running(unitsDone: 0));
        clock.Advance(TimeSpan.FromSeconds(5));
        reporter.Report(Running(unitsDone: 7));
        clock.Advance(TimeSpan.FromSeconds(1));
        reporter.Report(Running(unitsDone: 8));
        clock.Advance(TimeSpan.FromSeconds(4));
        reporter.Report(Running(unitsDone: 14));

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(" 7/21 units ", lines[0], StringComparison.Ordinal);
        Assert.Contains(" 14/21 units ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_line_is_rewritten_at_every_report_and_cleared_at_the_end()
    {
        var reporter = new ProgressReporter(quiet: false, output, interactive: true, clock);

        reporter.Report(Running(unitsDone: 0));
        reporter.Report(Running(unitsDone: 1));
        reporter.Finish();

        var text = output.ToString();
        Assert.Equal(4, text.Count(c => c == '\r'));
        Assert.Contains(" 0/21 units ", text, StringComparison.Ordinal);
        Assert.Contains(" 1/21 units ", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
    }

    private static JobStatus Running(int unitsDone) =>
        new() { JobId = "j", State = JobState.Running, UnitsDone = unitsDone, UnitsTotal = 21, BytesDone = unitsDone * 1000L, BytesTotal = 21_000, ElapsedSeconds = 1 };
}

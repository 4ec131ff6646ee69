using FusionCluster.Cli.Console;

namespace FusionCluster.Cli.Tests.Console;

public sealed class UnexpectedErrorTests
{
    [Fact]
    public void An_exception_no_verb_handled_is_one_error_line_and_how_to_see_its_trace()
    {
        var error = new StringWriter();

        var exitCode = UnexpectedError.Report(Thrown(new TimeoutException("the sweep grain did not answer in 30 s")), error, trace: false);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            ["fusion: error: the sweep grain did not answer in 30 s", "fusion: an unexpected TimeoutException; run again with FUSION_TRACE=1 to see where it came from"],
            error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void With_the_trace_asked_for_the_stack_trace_follows_and_a_single_inner_exception_is_the_one_named()
    {
        var error = new StringWriter();

        UnexpectedError.Report(new AggregateException(Thrown(new InvalidOperationException("no silo answered"))), error, trace: true);

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("fusion: error: no silo answered", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"at {typeof(UnexpectedErrorTests).FullName}.{nameof(Thrown)}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_conversion_message_that_reaches_it_is_reworded_like_the_parsers()
    {
        var error = new StringWriter();

        UnexpectedError.Report(new InvalidOperationException("Cannot parse argument 'x' for option '--seed' as expected type 'System.UInt64'."), error, trace: false);

        Assert.StartsWith("fusion: error: --seed x: expected a whole number from 0 to 18446744073709551615", error.ToString(), StringComparison.Ordinal);
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}

namespace FusionCluster.Cli.Console;

/// <summary>
/// The last resort for an exception no verb turned into its own error line (an Orleans call that timed out, a bug): one
/// <c>fusion: error:</c> line with its message and a second saying how to see the stack trace, which a bug report needs
/// and a user reading a terminal does not.
/// </summary>
public static class UnexpectedError
{
    /// <summary>Set to 1 for the whole exception, stack trace included.</summary>
    public const string TraceVariable = "FUSION_TRACE";

    /// <summary>Writes the error; the exit code (1).</summary>
    public static int Report(Exception exception, TextWriter error, bool trace)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        var innermost = exception is AggregateException { InnerExceptions: [var single] } ? single : exception;
        error.WriteLine($"fusion: error: {CommandLineErrors.Reword(innermost.Message)}");
        error.WriteLine(trace
            ? exception.ToString()
            : $"fusion: an unexpected {innermost.GetType().Name}; run again with {TraceVariable}=1 to see where it came from");
        return 1;
    }
}

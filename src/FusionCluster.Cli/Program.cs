using System.CommandLine;
using FusionCluster.Cli.Commands;
using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;

var root = new RootCommand("FusionCluster: merge deep-learning models (mergekit-compatible specs) on one machine or a cluster")
{
    MergeCommand.Create(),
    SynthCommand.Create(),
    BenchCommand.Create(),
    DemoCommand.Create(),
    SubmitCommand.Create(),
    WatchCommand.Create(),
    StatusCommand.Create(),
    JobsCommand.Create(),
    CancelCommand.Create(),
    SilosCommand.Create(),
    DatasetCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    GenerateCommand.Create(),
    AlignCommand.Create(),
    ConnectCommand.Create(),
    SweepCommand.Create(),
    DashboardCommand.Create(),
    EnsembleCommand.Create(),
    BenchmarkCommand.Create(),
};
// fusion handles SIGINT and SIGTERM itself: System.CommandLine's handler would end the verb two seconds after the
// signal, before a cancelled merge has stopped its units and removed its staging.
using var signals = new TerminationSignals();
var parse = root.Parse(args);
if (parse.Action is System.CommandLine.Invocation.ParseErrorAction && !CommandLineErrors.IsBareCommandGroup(parse))
{
    return CommandLineErrors.Report(parse, System.Console.Error);
}

if (CommandLineErrors.Unparsed(parse) is { Count: > 0 } mistakes)
{
    return CommandLineErrors.Report(parse, mistakes, System.Console.Error);
}

int exitCode;
try
{
    // Without System.CommandLine's handler, which prints an exception's type and stack trace to whoever ran fusion.
    exitCode = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, signals.Token);
}
catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
{
    System.Console.Error.WriteLine("fusion: cancelled");
    exitCode = TerminationSignals.InterruptExitCode;
}
catch (Exception e)
{
    exitCode = UnexpectedError.Report(e, System.Console.Error, Environment.GetEnvironmentVariable(UnexpectedError.TraceVariable) is "1" or "true");
}

return signals.ExitCode(exitCode);

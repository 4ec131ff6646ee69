using System.CommandLine;
using FusionCluster.Cli.Commands;

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
    ConnectCommand.Create(),
    SweepCommand.Create(),
    DashboardCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

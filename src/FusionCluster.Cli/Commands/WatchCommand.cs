using System.CommandLine;
using FusionCluster.Cli.Hosting;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion watch JOB: live progress until the job ends.</summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var job = new Argument<string>("job") { Description = "job id (fusion jobs lists them)" };
        var command = new Command("watch", "Follow a cluster job until it ends (exit 0 succeeded, 1 failed, 130 cancelled)") { job };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, CancellationToken.None);
                return await JobWatcher.WatchAsync(connection.Client, parse.GetValue(job)!, quiet: false, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }
}

using System.CommandLine;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion cancel JOB: stops a job and removes what it staged.</summary>
public static class CancelCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var job = new Argument<string>("job") { Description = "job id" };
        var command = new Command("cancel", "Cancel a cluster job; nothing is published and its staging is removed") { job };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var grain = connection.Client.GetGrain<IMergeJobGrain>(parse.GetValue(job)!);
                await grain.Cancel();
                var status = await grain.GetStatus();
                System.Console.WriteLine($"job {parse.GetValue(job)}: {status.State}");
                return status.State == JobState.Cancelled ? 0 : 1;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }
}

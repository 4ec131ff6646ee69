using System.CommandLine;
using FusionCluster.Cli.Console;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion jobs: the cluster's jobs, newest first.</summary>
public static class JobsCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var limit = new Option<int>("--limit", "-n") { Description = "show at most this many", DefaultValueFactory = _ => 50 }.Positive();
        var command = new Command("jobs", "List the cluster's jobs, newest first") { limit };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var jobs = await connection.Client.GetGrain<IJobCatalogGrain>("default").List();
                System.Console.WriteLine($"{"JOB",-24} {"STATE",-10} {"UNITS",-11} {"SIZE",-10} {"METHOD",-14} {"SUBMITTED",-20} OUTPUT");
                foreach (var job in jobs.Take(parse.GetValue(limit)))
                {
                    System.Console.WriteLine($"{job.JobId,-24} {job.State,-10} {$"{job.UnitsDone}/{job.UnitsTotal}",-11} {Units.Bytes(job.BytesTotal),-10} {job.Method,-14} {job.SubmittedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}  {job.Output}");
                }

                return 0;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }
}

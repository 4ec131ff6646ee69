using System.CommandLine;
using System.Diagnostics;
using FusionCluster.Cli.Hosting;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Hosting;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench dispatch: how many units per second the job and worker grains dispatch, run and record,
/// measured with empty units so that only the orchestration is timed (leases, reports, persistence).
/// </summary>
public static class BenchDispatchCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var units = new Option<int>("--units") { Description = "empty units in the probe job", DefaultValueFactory = _ => 20_000 };
        var slots = new Option<int>("--slots") { Description = "unit slots of the embedded silo (ignored with --cluster)", DefaultValueFactory = _ => 64 };
        var command = new Command("dispatch", "Measure dispatch throughput with a job of empty units (embedded silo, or --cluster)") { units, slots };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(units);
            var onCluster = !string.IsNullOrWhiteSpace(parse.GetValue(cluster.Redis));
            await using var embedded = onCluster ? null : await EmbeddedCluster.StartAsync(parse.GetValue(slots), cancellationToken);
            await using var connection = onCluster ? await cluster.ConnectAsync(parse, cancellationToken) : null;
            var client = connection?.Client ?? embedded!.Client;

            var job = client.GetGrain<IMergeJobGrain>($"probe-{JobIds.New()}");
            var clock = Stopwatch.StartNew();
            var status = await job.Start(new MergeRequest { SpecText = "", SpecDirectory = "", Output = "", SpecName = "dispatch-probe", ProbeUnits = count });
            while (!status.IsFinished)
            {
                await Task.Delay(20, cancellationToken);
                status = await job.GetStatus();
            }

            var seconds = clock.Elapsed.TotalSeconds;
            if (status.State != JobState.Succeeded)
            {
                return MergeCommand.Fail($"probe job ended {status.State}: {status.Error}");
            }

            System.Console.WriteLine($"{count} empty units on {(onCluster ? "the cluster" : "an embedded silo")} in {seconds:F2} s: {count / seconds:F0} units/s");
            return 0;
        });
        return command;
    }
}

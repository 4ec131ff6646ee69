using System.CommandLine;
using FusionCluster.Cli.Console;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion silos: the cluster's active silos with their profile and load.</summary>
public static class SilosCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var command = new Command("silos", "List the cluster's active silos: role, device, memory, unit slots and load");
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var silos = await connection.Client.GetGrain<IClusterInfoGrain>(0).GetSilos();
                System.Console.WriteLine($"{"SILO",-16} {"ROLE",-12} {"DEVICE",-7} {"MEMORY",-10} {"SLOTS",5} {"RUNNING",8} {"QUEUED",7} {"DONE",7} {"THROUGHPUT",12}");
                foreach (var silo in silos)
                {
                    System.Console.WriteLine($"{silo.Name,-16} {silo.Role,-12} {silo.Device,-7} {Units.Bytes(silo.MemoryBytes),-10} {silo.UnitSlots,5} {silo.UnitsRunning,8} {silo.UnitsQueued,7} {silo.UnitsCompleted,7} {Units.Bytes((long)silo.BytesPerSecond) + "/s",12}");
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

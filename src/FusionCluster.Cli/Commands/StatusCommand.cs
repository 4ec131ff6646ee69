using System.CommandLine;
using System.Text.Json;
using FusionCluster.Cli.Console;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion status JOB: one snapshot of a job.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var job = new Argument<string>("job") { Description = "job id" };
        var json = new Option<bool>("--json") { Description = "print the status as JSON" };
        var units = new Option<bool>("--units") { Description = "also list every unit" };
        var command = new Command("status", "Show a cluster job's state and progress") { job, json, units };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var grain = connection.Client.GetGrain<IMergeJobGrain>(parse.GetValue(job)!);
                var status = await grain.GetStatus();
                if (status.SubmittedAt == default)
                {
                    return MergeCommand.Fail($"no job '{parse.GetValue(job)}' on this cluster");
                }

                var unitList = parse.GetValue(units) ? await grain.GetUnits() : null;
                if (parse.GetValue(json))
                {
                    System.Console.WriteLine(JsonSerializer.Serialize(new { status, units = unitList }, new JsonSerializerOptions { WriteIndented = true }));
                    return 0;
                }

                System.Console.WriteLine($"job      {status.JobId} ({status.SpecName}, {status.Method})");
                System.Console.WriteLine($"state    {status.State}{(status.Error is null ? "" : $": {status.Error}")}");
                System.Console.WriteLine($"units    {status.UnitsDone}/{status.UnitsTotal} done, {status.UnitsRunning} running, {status.Retries} retries");
                System.Console.WriteLine($"bytes    {Units.Bytes(status.BytesDone)}/{Units.Bytes(status.BytesTotal)} read in {status.ElapsedSeconds:F1} s");
                System.Console.WriteLine($"output   {status.Output}");
                foreach (var silo in status.Silos)
                {
                    System.Console.WriteLine($"silo     {silo.Silo}: {silo.UnitsDone} done, {silo.UnitsRunning} running, {Units.Bytes(silo.Bytes)}");
                }

                foreach (var candidate in status.Candidates)
                {
                    var outcome = candidate.State == JobState.Succeeded ? $"published -> {candidate.Output}" : candidate.Error ?? candidate.State.ToString();
                    System.Console.WriteLine($"merge    {candidate.Name}: {outcome}");
                }

                foreach (var warning in status.Warnings)
                {
                    System.Console.WriteLine($"warning  {warning}");
                }

                foreach (var unit in unitList ?? [])
                {
                    System.Console.WriteLine($"unit {unit.Index,5} {unit.Name,-24} {unit.State,-8} attempts {unit.Attempts} {unit.Silo} {unit.LastError}");
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

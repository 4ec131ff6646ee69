using System.CommandLine;
using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion submit spec.yaml --out LOCATION: starts a merge on the cluster and prints its job id.</summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var spec = new Argument<FileInfo>("spec") { Description = "mergekit-style YAML merge spec; model paths must be visible to every silo" };
        var output = new Option<string>("--out", "-o") { Description = "output: az://container/prefix, or a folder every silo can write", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "seed for random methods (DARE, DELLA)", DefaultValueFactory = _ => 0 };
        var shardSize = new Option<string>("--out-shard-size") { Description = "largest output shard, e.g. 5GB", DefaultValueFactory = _ => "5GB" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace a model already at --out" };
        var parallel = new Option<int>("--max-units") { Description = "most units of this job running at once (default: all free slots)" }.Positive();
        var jobId = new Option<string?>("--job-id") { Description = "job id to use (default: a new one)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "follow the job until it ends (exit code as fusion watch)" };
        var inputHash = InputHashOption.Create();
        var device = new Option<string>("--device")
        {
            Description = "auto, cpu or cuda: cuda runs only on workers publishing device=cuda; auto is cuda when every worker does, else cpu",
            DefaultValueFactory = _ => MergeDevices.Auto,
        };

        var command = new Command("submit", "Submit a merge to the cluster; prints the job id") { spec, output, seed, shardSize, overwrite, parallel, jobId, watch, inputHash, device };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (DeviceChoice.CheckForCluster(parse.GetValue(device)!) is { } deviceError)
            {
                return MergeCommand.Fail(deviceError);
            }

            var specFile = parse.GetValue(spec)!;
            if (!specFile.Exists)
            {
                return MergeCommand.Fail(MergeCommand.NoSpecFile(specFile));
            }

            if (!ByteSize.TryParse(parse.GetValue(shardSize), out var shardBytes))
            {
                return MergeCommand.Fail($"--out-shard-size: '{parse.GetValue(shardSize)}' is not a size such as 5GB");
            }

            // Read here, before connecting, with the one reader of spec files (a regular file, within the size limit).
            string specText;
            try
            {
                specText = SpecYaml.ReadText(specFile.FullName, "spec file");
            }
            catch (SpecException e)
            {
                return MergeCommand.Fail(e.Message);
            }

            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var id = parse.GetValue(jobId) ?? JobIds.New();
                var status = await connection.Client.GetGrain<IMergeJobGrain>(id).Start(new MergeRequest
                {
                    SpecText = specText,
                    SpecDirectory = specFile.DirectoryName!,
                    SpecName = specFile.Name,
                    Output = OutputLocation.FromCommandLine(parse.GetValue(output)!),
                    Seed = parse.GetValue(seed),
                    ShardSizeBytes = shardBytes,
                    Overwrite = parse.GetValue(overwrite),
                    MaxParallelUnits = parse.GetValue(parallel),
                    SubmittedBy = Environment.UserName,
                    InputHash = InputHashOption.Parse(parse.GetValue(inputHash)!),
                    Device = parse.GetValue(device)!,
                });
                if (status.State == JobState.Failed)
                {
                    return MergeCommand.Fail($"job {id}: {status.Error}");
                }

                System.Console.WriteLine(id);
                return parse.GetValue(watch) ? await JobWatcher.WatchAsync(connection.Client, id, quiet: false, cancellationToken) : 0;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }
}

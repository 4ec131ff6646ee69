using System.CommandLine;
using System.Security.Cryptography;
using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;
using FusionCluster.Client;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench cluster: the same merge on the embedded silo and on a running cluster; prints both
/// times, their ratio, and whether the outputs are byte-identical.
/// </summary>
public static class BenchClusterCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var size = new Option<string>("--size") { Description = "size of each synthetic model", DefaultValueFactory = _ => "200MB" };
        var method = new Option<string>("--method") { Description = "a spec written by fusion synth (linear, ties, ...)", DefaultValueFactory = _ => "linear" };
        var work = new Option<DirectoryInfo>("--work") { Description = "folder every silo can read (models) and write (local outputs)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench-cluster")) };
        var output = new Option<string?>("--cluster-out") { Description = "where the cluster writes (default: a folder under --work; az://... for blobs)" };
        var repeat = new Option<int>("--repeat") { Description = "runs of each; the fastest of each is compared", DefaultValueFactory = _ => 3 }.Positive();
        var command = new Command("cluster", "Compare a merge on the cluster with the same merge on the embedded silo") { size, method, work, output, repeat };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!ByteSize.TryParse(parse.GetValue(size), out var bytes))
            {
                return MergeCommand.Fail("--size: expected a size such as 200MB");
            }

            var root = Path.Combine(parse.GetValue(work)!.FullName, $"{bytes}");
            if (!File.Exists(Path.Combine(root, "ties.yaml")))
            {
                if (SynthCommand.BenchInputs(root, bytes, cancellationToken) is not 0 and var failed)
                {
                    return failed;
                }
            }

            var specPath = Path.Combine(root, $"{parse.GetValue(method)}.yaml");
            var request = new MergeRequest
            {
                SpecText = await File.ReadAllTextAsync(specPath, cancellationToken),
                SpecDirectory = root,
                SpecName = Path.GetFileName(specPath),
                Output = Path.Combine(root, "out-embedded"),
                Overwrite = true,
            };
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var clusterOut = parse.GetValue(output) ?? Path.Combine(root, "out-cluster");
                JobStatus? embedded = null, status = null;
                for (var run = 0; run < Math.Max(1, parse.GetValue(repeat)); run++)
                {
                    // Alternating the two keeps slow phases of a noisy machine from landing on one side only.
                    var embeddedRun = await EmbeddedMerge.RunAsync(request, new ProgressReporter(quiet: true), unitSlots: 0, cancellationToken);
                    if (embeddedRun.State != JobState.Succeeded)
                    {
                        return MergeCommand.Fail($"embedded merge: {embeddedRun.Error}");
                    }

                    var clusterRun = await RunOnClusterAsync(connection, request with { Output = clusterOut }, cancellationToken);
                    if (clusterRun.State != JobState.Succeeded)
                    {
                        return MergeCommand.Fail($"cluster merge: {clusterRun.Error}");
                    }

                    embedded = embedded is null || embeddedRun.ElapsedSeconds < embedded.ElapsedSeconds ? embeddedRun : embedded;
                    status = status is null || clusterRun.ElapsedSeconds < status.ElapsedSeconds ? clusterRun : status;
                }

                var identical = clusterOut.Contains("://", StringComparison.Ordinal) ? "not compared (blob output)" : SameWeights(request.Output, clusterOut) ? "yes" : "NO";
                System.Console.WriteLine($"{"merge",-10} {"embedded s",11} {"cluster s",10} {"ratio",6} {"silos",6} identical");
                System.Console.WriteLine($"{parse.GetValue(method),-10} {embedded!.ElapsedSeconds,11:F2} {status!.ElapsedSeconds,10:F2} {status.ElapsedSeconds / embedded.ElapsedSeconds,6:F2} {status.Silos.Count,6} {identical}");
                return identical == "NO" ? 1 : 0;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>Starts the merge as a job of the cluster and waits for it to end, however it ends.</summary>
    internal static async Task<JobStatus> RunOnClusterAsync(ClusterConnection connection, MergeRequest request, CancellationToken cancellationToken)
    {
        var job = connection.Client.GetGrain<IMergeJobGrain>(JobIds.New());
        var status = await job.Start(request);
        while (!status.IsFinished)
        {
            await Task.Delay(50, cancellationToken);
            status = await job.GetStatus();
        }

        return status;
    }

    /// <summary>Whether both folders hold the same weight files with the same bytes.</summary>
    internal static bool SameWeights(string left, string right) =>
        Directory.EnumerateFiles(left, "*.safetensors*").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .SequenceEqual(Directory.EnumerateFiles(right, "*.safetensors*").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        && Directory.EnumerateFiles(left, "*.safetensors*").All(f => Hash(f) == Hash(Path.Combine(right, Path.GetFileName(f))));

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}

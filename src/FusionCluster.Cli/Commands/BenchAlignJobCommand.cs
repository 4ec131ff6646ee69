using System.CommandLine;
using System.Globalization;
using System.Runtime;
using System.Text.Json.Nodes;
using FusionCluster.Alignment.Benchmarks;
using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench align-job: weight matching as merge jobs (align phase, then merge phase) on the embedded silo and,
/// with --cluster, on a running cluster: a reference and two randomly permuted copies of an MLP and of a two-block
/// llama at 7B widths (divided by --llama-width-divisor), merged linearly after alignment. Prints wall time, the
/// peak RSS of this process (the embedded silo runs in it) and of each silo process of the cluster on this machine,
/// whether both wrote the same bytes, and whether the merge undid the permutations (it equals the reference).
/// </summary>
public static class BenchAlignJobCommand
{
    private const string Spec = "merge_method: linear\nmodels:\n  - {model: reference, parameters: {weight: 1}}\n  - {model: permuted-1, parameters: {weight: 1}}\n  - {model: permuted-2, parameters: {weight: 1}}\nalign: {method: weight_matching}\n";

    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var work = new Option<DirectoryInfo>("--work") { Description = "folder every silo can read (models) and write (outputs)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench-align-job")) };
        var mlp = new Option<string>("--mlp") { Description = "MLP widths input,hidden...,output, or 'none'", DefaultValueFactory = _ => "784,512,512,10" };
        var divisor = new Option<int>("--llama-width-divisor") { Description = "divide the llama's 7B widths and head counts by 1, 2, 4 or 8; 0 skips the llama", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "seed of the weights and permutations", DefaultValueFactory = _ => 0 };
        var command = new Command("align-job", "Measure weight-matching merge jobs on the embedded silo and a running cluster (wall time, peak memory per process)") { work, mlp, divisor, seed };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var scale = parse.GetValue(divisor);
            if (scale < 0 || (scale > 0 && 8 % scale != 0))
            {
                return MergeCommand.Fail($"--llama-width-divisor {scale}: expected 0, 1, 2, 4 or 8");
            }

            var random = new Random(parse.GetValue(seed));
            var root = parse.GetValue(work)!.FullName;
            var cases = new List<(string Label, string Folder)>();
            if (parse.GetValue(mlp) is { } widths && widths != "none")
            {
                var folder = Path.Combine(root, $"mlp-{widths.Replace(',', '-')}");
                Prepare(folder, () => (RandomAlignmentModels.Mlp(random, [.. widths.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))]), RandomAlignmentModels.MlpConfig()), cancellationToken);
                cases.Add(($"MLP {widths}", folder));
            }

            if (scale > 0)
            {
                var folder = Path.Combine(root, $"llama-7b-over-{scale}");
                Prepare(folder, () => RandomAlignmentModels.Llama(random, blocks: 2, scale), cancellationToken);
                cases.Add(($"llama 2 blocks, 7B widths / {scale}", folder));
            }

            try
            {
                await using var connection = string.IsNullOrWhiteSpace(parse.GetValue(cluster.Redis)) ? null : await cluster.ConnectAsync(parse, cancellationToken);
                var silos = connection is null ? null : LocalSiloMemory.Find(parse.GetValue(cluster.Redis)!);
                System.Console.WriteLine($"{"models",-36} {"embedded s",10} {"peak RSS",10} {"cluster s",10} {"aligned",8} {"same",5}  silo peak RSS");
                foreach (var (label, folder) in cases)
                {
                    var request = new MergeRequest { SpecText = Spec, SpecDirectory = folder, SpecName = "align-job.yaml", Output = Path.Combine(folder, "out-embedded"), Overwrite = true };
                    ReleaseMemory();
                    ProcessMemory.ResetPeak(Environment.ProcessId);
                    var embedded = await EmbeddedMerge.RunAsync(request, new ProgressReporter(quiet: true), unitSlots: 0, cancellationToken);
                    var embeddedPeak = ProcessMemory.PeakResidentBytes();
                    if (embedded.State != JobState.Succeeded)
                    {
                        return MergeCommand.Fail($"{label}, embedded: {embedded.Error}");
                    }

                    string clusterSeconds = "-", same = "-", siloPeaks = "no cluster (--cluster or FUSION_CLUSTER)";
                    if (connection is not null)
                    {
                        silos!.Reset();
                        var clusterOut = Path.Combine(folder, "out-cluster");
                        var status = await BenchClusterCommand.RunOnClusterAsync(connection, request with { Output = clusterOut }, cancellationToken);
                        if (status.State != JobState.Succeeded)
                        {
                            return MergeCommand.Fail($"{label}, cluster: {status.Error}");
                        }

                        clusterSeconds = status.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture);
                        same = BenchClusterCommand.SameWeights(request.Output, clusterOut) ? "yes" : "NO";
                        siloPeaks = silos.Peaks();
                    }

                    var aligned = MaxDifference(Path.Combine(folder, "reference"), request.Output) <= 1e-6 ? "yes" : "NO";
                    System.Console.WriteLine($"{label,-36} {embedded.ElapsedSeconds,10:F1} {Units.Bytes(embeddedPeak),10} {clusterSeconds,10} {aligned,8} {same,5}  {siloPeaks}");
                    if (aligned == "NO" || same == "NO")
                    {
                        return 1;
                    }
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

    /// <summary>Writes the reference and its two permuted copies once; a later run reuses them.</summary>
    private static void Prepare(string folder, Func<(Dictionary<string, (long[] Shape, float[] Values)> Tensors, JsonObject Config)> make, CancellationToken cancellationToken)
    {
        if (Directory.Exists(Path.Combine(folder, "permuted-2")))
        {
            return;
        }

        System.Console.WriteLine($"writing a reference and two permuted copies in {folder} ...");
        var (tensors, config) = make();
        RandomAlignmentModels.WriteWithPermutedCopies(folder, tensors, config, new Random(1), copies: 2, cancellationToken);
    }

    // The models were made in this process: give their memory back before the embedded silo's peak is measured.
    private static void ReleaseMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>The largest |merged − reference| over every tensor: 0 up to float rounding when matching undid both permutations.</summary>
    private static double MaxDifference(string referenceFolder, string mergedFolder)
    {
        using var reference = CheckpointFolder.Open(referenceFolder);
        using var merged = CheckpointFolder.Open(mergedFolder);
        double max = 0;
        foreach (var name in reference.TensorNames)
        {
            using var expectedSource = reference.OpenTensor(name);
            var length = (int)expectedSource.Entry.ElementCount;
            float[] expected = new float[length], actual = new float[length];
            expectedSource.Read(0, expected);

            using (var source = merged.OpenTensor(name))
            {
                source.Read(0, actual);
            }

            for (var i = 0; i < length; i++)
            {
                max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            }
        }

        return max;
    }
}

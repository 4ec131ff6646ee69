using System.CommandLine;
using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion demo: synthesize small models, TIES-merge them on the embedded silo, and read the result back.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var folder = new Option<DirectoryInfo>("--work") { Description = "working folder", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-demo")) };
        var command = new Command("demo", "Synthesize a base and two fine-tunes, TIES-merge them, and check the result") { folder };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(folder)!.FullName;
            System.Console.WriteLine($"1/3 synthesizing a base model and two fine-tunes in {root} ...");
            // A rerun into the demo's own folder replaces its merge; a merge into a folder of someone else's is refused.
            var rerun = Directory.Exists(root) && SynthFolder.IsOurs(root, SyntheticModelShape.ForSize(40_000_000, DType.BF16.ElementSize()), DType.BF16);
            if (SynthCommand.Run(root, 40_000_000, DType.BF16, fineTunes: 2, seed: 1, shardBytes: 2_000_000_000, overwrite: false, cancellationToken) is not 0 and var failed)
            {
                return failed;
            }

            var output = Path.Combine(root, "merged-ties");
            System.Console.WriteLine($"2/3 merging with ties.yaml on an embedded Orleans silo ...");
            var status = await EmbeddedMerge.RunAsync(new MergeRequest
            {
                SpecText = await File.ReadAllTextAsync(Path.Combine(root, "ties.yaml"), cancellationToken),
                SpecDirectory = root,
                SpecName = "ties.yaml",
                Output = output,
                Overwrite = rerun,
            }, new ProgressReporter(quiet: false), unitSlots: 0, cancellationToken);
            if (status.State != JobState.Succeeded)
            {
                return MergeCommand.Fail(status.Error ?? status.State.ToString());
            }

            System.Console.WriteLine($"3/3 reading {output} back ...");
            using var merged = CheckpointFolder.Open(output);
            using var model = CheckpointFolder.Open(Path.Combine(root, "base"));
            var missing = model.TensorNames.Except(merged.TensorNames).ToList();
            if (missing.Count > 0)
            {
                return MergeCommand.Fail($"merged model lacks {missing.Count} tensors, e.g. {missing[0]}");
            }

            System.Console.WriteLine($"ok: {merged.TensorNames.Count} tensors in {string.Join(", ", merged.ShardPaths.Select(Path.GetFileName))}, config.json, fusion-report.json ({Units.Bytes(status.BytesTotal)} merged in {status.ElapsedSeconds:F1} s)");
            return 0;
        });
        return command;
    }
}

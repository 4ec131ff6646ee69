using System.CommandLine;
using System.Globalization;
using FusionCluster.Cli.Console;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion synth DIR: a synthetic base model, fine-tunes of it, and example specs that merge them.</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "where to write base/, ft-1/ ... and example specs" };
        var size = new Option<string>("--size") { Description = "approximate size of each model, e.g. 50MB, 1GB, 20GB (a bare B means billions of bytes, as in mergekit)", DefaultValueFactory = _ => "50MB" };
        var dtype = new Option<string>("--dtype") { Description = "bfloat16, float16 or float32", DefaultValueFactory = _ => "bfloat16" };
        var fineTunes = new Option<int>("--fine-tunes") { Description = "how many fine-tunes of the base to write", DefaultValueFactory = _ => 2 }.Positive();
        var seed = new Option<ulong>("--seed") { Description = "seed of the base weights", DefaultValueFactory = _ => 1 };
        var shardSize = new Option<string>("--shard-size") { Description = "largest shard of each model", DefaultValueFactory = _ => "2GB" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace base/, ft-N/ and example specs in a folder synth did not write" };
        var deltaScale = DeltaScaleOption();

        var command = new Command("synth", "Write synthetic Llama-shaped checkpoints for tests, demos and benchmarks") { folder, size, dtype, fineTunes, seed, shardSize, overwrite, deltaScale };
        command.SetAction((parse, cancellationToken) =>
        {
            if (!DTypeInfo.TryParseSpecName(parse.GetValue(dtype), out var type) || type is not (DType.BF16 or DType.F16 or DType.F32))
            {
                return Task.FromResult(MergeCommand.Fail($"--dtype {parse.GetValue(dtype)}: expected bfloat16, float16 or float32"));
            }

            if (!ByteSize.TryParse(parse.GetValue(size), out var bytes) || bytes <= 0)
            {
                return Task.FromResult(MergeCommand.Fail($"--size {parse.GetValue(size)}: expected a size such as 50MB or 1GB"));
            }

            if (!ByteSize.TryParse(parse.GetValue(shardSize), out var shardBytes) || shardBytes <= 0)
            {
                return Task.FromResult(MergeCommand.Fail($"--shard-size {parse.GetValue(shardSize)}: expected a size such as 500MB or 2GB"));
            }

            if (DeltaScaleError(parse.GetValue(deltaScale)) is { } deltaError)
            {
                return Task.FromResult(MergeCommand.Fail(deltaError));
            }

            var root = parse.GetValue(folder)!.FullName;
            var models = parse.GetValue(fineTunes);
            return Task.FromResult(Run(root, bytes, type, models, parse.GetValue(seed), shardBytes, parse.GetValue(overwrite), cancellationToken, parse.GetValue(deltaScale), shape =>
                System.Console.WriteLine($"wrote base and {models} fine-tunes ({shape.Layers} layer{(shape.Layers == 1 ? "" : "s")}, hidden {shape.Hidden}, {Units.Bytes(shape.Parameters * type.ElementSize())} each) and example specs to {root}")));
        });
        return command;
    }

    /// <summary>
    /// Synthesizes into <paramref name="root"/> for a verb (synth, demo, bench): refused, as one error line, where it would
    /// replace files synth did not write (unless <paramref name="overwrite"/>) or the disk lacks the room; cancelled or
    /// failed, the model folders it made are removed. The verb's exit code: 0 when written, otherwise the failure's.
    /// </summary>
    /// <param name="deltaScale">The fine-tunes' deltas relative to the weights' scale (<see cref="SyntheticCheckpoint.Write"/>).</param>
    /// <param name="written">Told the models' shape once everything is written.</param>
    public static int Run(string root, long bytes, DType dtype, int fineTunes, ulong seed, long shardBytes, bool overwrite, CancellationToken cancellationToken, double deltaScale = DefaultDeltaScale, Action<SyntheticModelShape>? written = null)
    {
        var shape = SyntheticModelShape.ForSize(bytes, dtype.ElementSize());
        var refusal = SynthFolder.Refusal(root, shape, dtype, fineTunes);
        if (refusal is not null && (!overwrite || File.Exists(root)))
        {
            return MergeCommand.Fail(overwrite ? refusal : $"{refusal}, or pass --overwrite");
        }

        // Checked first: a size far beyond the disk ran out of memory listing its tensors before writing a byte.
        var needed = (fineTunes + 1) * shape.Parameters * dtype.ElementSize();
        if (FreeBytes(root) is { } free && needed > free)
        {
            return MergeCommand.Fail($"{fineTunes + 1} models of {Units.Bytes(shape.Parameters * dtype.ElementSize())} need {Units.Bytes(needed)}, and {root}'s file system has {Units.Bytes(free)} free");
        }

        var models = new[] { "base" }.Concat(Enumerable.Range(1, fineTunes).Select(i => $"ft-{i}")).Select(name => Path.Combine(root, name)).ToList();
        var made = models.Where(folder => !Path.Exists(folder)).ToList();
        var rootMade = !Path.Exists(root);
        try
        {
            for (var variant = 0; variant < models.Count; variant++)
            {
                SyntheticCheckpoint.Write(models[variant], shape, dtype, seed, variant, deltaScale, shardBytes, cancellationToken);
            }

            foreach (var example in ExampleSpecs.For(fineTunes))
            {
                File.WriteAllText(Path.Combine(root, $"{example.Name}.yaml"), example.Yaml);
            }

            SynthFolder.Mark(root, shape, dtype, fineTunes, deltaScale);
            written?.Invoke(shape);
            return 0;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            // Half-written models are no models: the folders this run made go (a rerun's own folders are rewritten whole).
            made.Where(Directory.Exists).ToList().ForEach(folder => Directory.Delete(folder, recursive: true));
            if (rootMade && Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
            {
                Directory.Delete(root);
            }

            return e is OperationCanceledException ? MergeCommand.Fail("cancelled; the models being written were removed", 130) : MergeCommand.Fail(e.Message);
        }
    }

    /// <summary>The three bf16 models (a base and two fine-tunes) the bench verbs measure, synthesized into <paramref name="root"/>; the exit code.</summary>
    public static int BenchInputs(string root, long bytes, CancellationToken cancellationToken, double deltaScale = DefaultDeltaScale)
    {
        System.Console.WriteLine($"synthesizing three {Units.Bytes(bytes)} bf16 models in {root}{(deltaScale == DefaultDeltaScale ? "" : $", fine-tunes {deltaScale.ToString(CultureInfo.InvariantCulture)} of the weights' scale from the base")} ...");
        return Run(root, bytes, DType.BF16, fineTunes: 2, seed: 1, shardBytes: 2_000_000_000, overwrite: false, cancellationToken, deltaScale);
    }

    /// <summary>The fine-tunes' deltas relative to the weights' scale when none is asked for.</summary>
    public const double DefaultDeltaScale = 0.1;

    /// <summary>--delta-scale, as synth and bench take it.</summary>
    public static Option<double> DeltaScaleOption() => new("--delta-scale")
    {
        Description = "size of the fine-tunes' deltas relative to the weights' scale: 0.1 by default; real fine-tunes sit a few bf16 steps from their base, nearer 0.005, and tie by the hundred in magnitude, which TIES and DELLA must rank",
        DefaultValueFactory = _ => DefaultDeltaScale,
    };

    /// <summary>Why <paramref name="deltaScale"/> is refused, or null.</summary>
    public static string? DeltaScaleError(double deltaScale) =>
        deltaScale is > 0 and <= 1 ? null : $"--delta-scale {deltaScale.ToString(CultureInfo.InvariantCulture)}: expected a number above 0 and at most 1 (the fine-tunes' deltas relative to the weights' scale)";

    /// <summary>Free bytes of the file system <paramref name="path"/> is (or would be) on: that of its nearest existing folder.</summary>
    private static long? FreeBytes(string path)
    {
        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        try
        {
            return new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}

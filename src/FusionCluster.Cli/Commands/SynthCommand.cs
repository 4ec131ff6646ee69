using System.CommandLine;
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
        var size = new Option<string>("--size") { Description = "approximate size of each model, e.g. 50MB, 1GB, 20GB", DefaultValueFactory = _ => "50MB" };
        var dtype = new Option<string>("--dtype") { Description = "bfloat16, float16 or float32", DefaultValueFactory = _ => "bfloat16" };
        var fineTunes = new Option<int>("--fine-tunes") { Description = "how many fine-tunes of the base to write", DefaultValueFactory = _ => 2 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the base weights", DefaultValueFactory = _ => 1 };
        var shardSize = new Option<string>("--shard-size") { Description = "largest shard of each model", DefaultValueFactory = _ => "2GB" };

        var command = new Command("synth", "Write synthetic Llama-shaped checkpoints for tests, demos and benchmarks") { folder, size, dtype, fineTunes, seed, shardSize };
        command.SetAction(parse =>
        {
            if (!DTypeInfo.TryParseSpecName(parse.GetValue(dtype), out var type) || type is not (DType.BF16 or DType.F16 or DType.F32))
            {
                return MergeCommand.Fail($"--dtype {parse.GetValue(dtype)}: expected bfloat16, float16 or float32");
            }

            if (!ByteSize.TryParse(parse.GetValue(size), out var bytes) || !ByteSize.TryParse(parse.GetValue(shardSize), out var shardBytes))
            {
                return MergeCommand.Fail("--size / --shard-size: expected a size such as 50MB or 1GB");
            }

            var root = parse.GetValue(folder)!.FullName;
            var shape = Write(root, bytes, type, parse.GetValue(fineTunes), parse.GetValue(seed), shardBytes);
            System.Console.WriteLine($"wrote base and {parse.GetValue(fineTunes)} fine-tunes ({shape.Layers} layers, hidden {shape.Hidden}, {Units.Bytes(shape.Parameters * type.ElementSize())} each) and example specs to {root}");
            return 0;
        });
        return command;
    }

    public static SyntheticModelShape Write(string root, long bytes, DType dtype, int fineTunes, ulong seed, long shardBytes = 2_000_000_000)
    {
        var shape = SyntheticModelShape.ForSize(bytes, dtype.ElementSize());
        SyntheticCheckpoint.Write(Path.Combine(root, "base"), shape, dtype, seed, variant: 0, shardBytes: shardBytes);
        for (var i = 1; i <= fineTunes; i++)
        {
            SyntheticCheckpoint.Write(Path.Combine(root, $"ft-{i}"), shape, dtype, seed, variant: i, shardBytes: shardBytes);
        }

        foreach (var example in ExampleSpecs.For(fineTunes))
        {
            File.WriteAllText(Path.Combine(root, $"{example.Name}.yaml"), example.Yaml);
        }

        return shape;
    }
}

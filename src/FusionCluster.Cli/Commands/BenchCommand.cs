using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Console;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench: merges synthetic models with chosen methods and compares each merge with the streaming
/// bound measured in the same run: the time to read every input byte and write every output byte once.
/// Each merge runs in its own fusion process so that its peak memory is its own.
/// </summary>
public static class BenchCommand
{
    /// <summary>Run on dare_ties' inputs and parameters (fusion synth writes no spec of theirs), so their times compare with it and ties.</summary>
    private static readonly string[] RandomMethodsLikeDareTies = ["dare_linear", "della", "della_linear"];

    private const int IoBlock = 16 << 20;

    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "size of each model, e.g. 1GB", DefaultValueFactory = _ => "1GB" };
        var methods = new Option<string>("--methods") { Description = "comma-separated specs written by fusion synth (and dare_linear, della, della_linear, written like dare_ties)", DefaultValueFactory = _ => "linear,ties" };
        var work = new Option<DirectoryInfo>("--work") { Description = "where models are synthesized (reused when present)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench")) };
        var repeat = new Option<int>("--repeat") { Description = "runs per method; medians are reported", DefaultValueFactory = _ => 3 }.Positive();
        var device = new Option<string>("--device") { Description = "device of every merge, as fusion merge --device", DefaultValueFactory = _ => MergeDevices.Cpu };
        var scratch = new Option<DirectoryInfo?>("--scratch") { Description = "where merges and the bound write their output (default: the work folder)" };
        var deltaScale = SynthCommand.DeltaScaleOption();

        var command = new Command("bench", "Measure merge speed and memory against the streaming bound")
        {
            size, methods, work, repeat, device, scratch, deltaScale, BenchDispatchCommand.Create(), BenchSweepCommand.Create(), BenchClusterCommand.Create(), BenchLmCommand.Create(), BenchAlignCommand.Create(), BenchAlignJobCommand.Create(), BenchLmMergeCommand.Create(),
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!ByteSize.TryParse(parse.GetValue(size), out var bytes))
            {
                return MergeCommand.Fail("--size: expected a size such as 1GB");
            }

            // Checked here so that a missing GPU is one line rather than a failed child merge per method.
            var (benchDevice, deviceError) = DeviceChoice.ForThisHost(parse.GetValue(device)!);
            if (deviceError is not null)
            {
                return MergeCommand.Fail(deviceError);
            }

            if (bytes <= 0)
            {
                return MergeCommand.Fail($"--size {parse.GetValue(size)}: expected a size above zero, such as 1GB");
            }

            var deltas = parse.GetValue(deltaScale);
            if (SynthCommand.DeltaScaleError(deltas) is { } deltaError)
            {
                return MergeCommand.Fail(deltaError);
            }

            // Checked before the inputs are written: at --size 1GB a misspelt method cost three gigabytes of writes first.
            var methodNames = parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string[] known = [.. ExampleSpecs.For(2).Select(e => e.Name), .. RandomMethodsLikeDareTies];
            if (methodNames.Length == 0)
            {
                return MergeCommand.Fail($"--methods: name at least one of {string.Join(", ", known)}");
            }

            if (methodNames.FirstOrDefault(m => !known.Contains(m, StringComparer.Ordinal)) is { } unknown)
            {
                return MergeCommand.Fail($"--methods: unknown method '{unknown}'{SpellingSuggestion.Hint(unknown, known)}; bench runs {string.Join(", ", known)}");
            }

            // Models of other deltas are kept in a folder of their own, so that either is reused.
            var root = Path.Combine(parse.GetValue(work)!.FullName, deltas == SynthCommand.DefaultDeltaScale ? $"{bytes}" : $"{bytes}-deltas-{deltas.ToString("R", CultureInfo.InvariantCulture)}");
            if (!File.Exists(Path.Combine(root, "ties.yaml")))
            {
                if (SynthCommand.BenchInputs(root, bytes, cancellationToken, deltas) is not 0 and var failed)
                {
                    return failed;
                }
            }

            var inputs = new[] { "base", "ft-1", "ft-2" }.SelectMany(m => Directory.EnumerateFiles(Path.Combine(root, m), "*.safetensors")).ToList();
            var inputBytes = inputs.Sum(f => new FileInfo(f).Length);
            var outputRoot = parse.GetValue(scratch)?.FullName ?? root;
            Directory.CreateDirectory(outputRoot);
            // This machine's I/O speed drifts within a minute (page reclaim, write-back of earlier runs), so every
            // merge is paired with bounds measured just before and just after it, and the ratio is taken per run.
            var outputBytes = inputBytes / 3;
            System.Console.WriteLine($"device {benchDevice}; outputs written to {outputRoot}");
            System.Console.WriteLine("stream s: reading the three inputs and writing one output, the mean of the bounds measured around each merge");
            System.Console.WriteLine("figures are medians over the runs; peak RSS is the largest");
            System.Console.WriteLine($"× {methodNames[0]}: this method's merge time over {methodNames[0]}'s in the same round (each round runs every method once, in turn)");
            System.Console.WriteLine($"{"method",-16} {"merge s",8} {"stream s",9} {"ratio",6} {"GB/s",6} {"peak RSS",10} {"× " + methodNames[0],10}");
            var specs = new List<string>();
            foreach (var method in methodNames)
            {
                var spec = Path.Combine(root, $"{method}.yaml");
                if (!File.Exists(spec) && RandomMethodsLikeDareTies.Contains(method, StringComparer.Ordinal))
                {
                    await File.WriteAllTextAsync(spec, (await File.ReadAllTextAsync(Path.Combine(root, "dare_ties.yaml"), cancellationToken)).Replace("dare_ties", method, StringComparison.Ordinal), cancellationToken);
                }

                if (!File.Exists(spec))
                {
                    return MergeCommand.Fail($"{spec}: no such spec (fusion synth writes {string.Join(", ", ExampleSpecs.For(2).Select(e => e.Name))})");
                }

                specs.Add(spec);
            }

            // Rounds, not all of one method's runs in a row: the machine's load drifts within minutes, and a ratio
            // between methods is only fair when their runs are close together in time.
            var runs = methodNames.Select(_ => new List<(double Seconds, double Bound, double Rss)>()).ToArray();
            for (var round = 0; round < Math.Max(1, parse.GetValue(repeat)); round++)
            {
                for (var m = 0; m < methodNames.Length; m++)
                {
                    var output = Path.Combine(outputRoot, $"out-{methodNames[m]}");
                    var before = StreamingBound(inputs, outputBytes, outputRoot);
                    JsonObject stats;
                    try
                    {
                        stats = await MergeInChildAsync(specs[m], output, benchDevice!, cancellationToken);
                    }
                    catch (InvalidOperationException e)
                    {
                        return MergeCommand.Fail(e.Message);
                    }

                    outputBytes = Directory.EnumerateFiles(output, "*.safetensors").Sum(f => new FileInfo(f).Length);
                    Directory.Delete(output, recursive: true);
                    var after = StreamingBound(inputs, outputBytes, outputRoot);
                    runs[m].Add((stats["job_seconds"]!.GetValue<double>(), (before + after) / 2, stats["peak_rss_bytes"]!.GetValue<long>()));
                }
            }

            for (var m = 0; m < methodNames.Length; m++)
            {
                var seconds = Median(runs[m].Select(r => r.Seconds));
                var bound = Median(runs[m].Select(r => r.Bound));
                var ratio = Median(runs[m].Select(r => r.Seconds / r.Bound));
                var versusFirst = Median(runs[m].Select((r, round) => r.Seconds / runs[0][round].Seconds));
                var moved = inputBytes + outputBytes;
                System.Console.WriteLine($"{methodNames[m],-16} {seconds,8:F2} {bound,9:F2} {ratio,6:F2} {moved / seconds / 1e9,6:F2} {Units.Bytes((long)runs[m].Max(r => r.Rss)),10} {versusFirst,10:F2}");
            }

            return 0;
        });
        return command;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static Task<JsonObject> MergeInChildAsync(string spec, string output, string device, CancellationToken cancellationToken) =>
        MergeInChildAsync([spec], "--out", output, device, cancellationToken);

    /// <param name="outFlag">--out for one spec, --out-dir for several (one shared-input job).</param>
    internal static async Task<JsonObject> MergeInChildAsync(IReadOnlyList<string> specs, string outFlag, string output, string device, CancellationToken cancellationToken)
    {
        // A path that does not exist yet: merge --stats-json replaces only a stats file an earlier merge wrote, and an
        // empty temp file is not one (every bench run failed on it).
        using var scratch = new ScratchFolder("fusion-bench-stats-");
        var statsFile = Path.Combine(scratch.Path, "stats.json");
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        }

        foreach (var arg in new[] { "merge" }.Concat(specs).Concat([outFlag, output, "--device", device, "--overwrite", "--quiet", "--stats-json", statsFile]))
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync(cancellationToken);
        await child.StandardOutput.ReadToEndAsync(cancellationToken);
        await child.WaitForExitAsync(cancellationToken);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"fusion merge {string.Join(' ', specs)} failed: {await stderr}");
        }

        return JsonNode.Parse(await File.ReadAllTextAsync(statsFile, cancellationToken))!.AsObject();
    }

    /// <summary>
    /// Seconds to read every input byte and write as many bytes as the merge wrote, in large blocks on every
    /// core, as the merge itself reads and writes: a single-threaded copy would be a bound the merge can beat.
    /// </summary>
    /// <param name="outputs">Files of <paramref name="outputBytes"/> each written after the reads (a shared-input job writes one per candidate).</param>
    /// <param name="durable">Flush each written file to the disk, as publishing does; without it the bound counts page-cache writes only.</param>
    internal static double StreamingBound(IReadOnlyList<string> inputs, long outputBytes, string root, int outputs = 1, bool durable = false)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        var sink = Path.Combine(root, "stream-bound.tmp");
        var clock = Stopwatch.StartNew();
        ReadThrough(inputs);
        var sinks = Enumerable.Range(0, outputs).Select(i => $"{sink}.{i}").ToList();
        foreach (var path in sinks)
        {
            using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, preallocationSize: outputBytes);
            Parallel.ForEach(Blocks(outputBytes), parallel, () => new byte[IoBlock], (offset, _, buffer) =>
            {
                RandomAccess.Write(handle, buffer.AsSpan(0, (int)Math.Min(IoBlock, outputBytes - offset)), offset);
                return buffer;
            }, _ => { });
            if (durable)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        sinks.ForEach(File.Delete);
        return seconds;
    }

    /// <summary>Reads every byte of <paramref name="files"/> in large blocks on every core, as a merge reads its inputs; they are then in the page cache.</summary>
    internal static void ReadThrough(IReadOnlyList<string> files)
    {
        var handles = files.Select(f => File.OpenHandle(f)).ToList();
        try
        {
            var reads = handles.SelectMany(h => Blocks(RandomAccess.GetLength(h)).Select(offset => (Handle: h, Offset: offset)));
            Parallel.ForEach(reads, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new byte[IoBlock], (read, _, buffer) =>
            {
                RandomAccess.Read(read.Handle, buffer, read.Offset);
                return buffer;
            }, _ => { });
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }
    }

    private static IEnumerable<long> Blocks(long length)
    {
        for (long offset = 0; offset < length; offset += IoBlock)
        {
            yield return offset;
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Console;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench: merges synthetic models with chosen methods and compares each merge with the streaming
/// bound measured in the same run: the time to read every input byte and write every output byte once.
/// Each merge runs in its own fusion process so that its peak memory is its own.
/// </summary>
public static class BenchCommand
{
    private const int IoBlock = 16 << 20;

    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "size of each model, e.g. 1GB", DefaultValueFactory = _ => "1GB" };
        var methods = new Option<string>("--methods") { Description = "comma-separated specs written by fusion synth", DefaultValueFactory = _ => "linear,ties" };
        var work = new Option<DirectoryInfo>("--work") { Description = "where models are synthesized (reused when present)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench")) };
        var repeat = new Option<int>("--repeat") { Description = "runs per method; the fastest is reported", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "device of every merge, as fusion merge --device", DefaultValueFactory = _ => "cpu" };

        var command = new Command("bench", "Measure merge speed and memory against the streaming bound") { size, methods, work, repeat, device, BenchDispatchCommand.Create(), BenchClusterCommand.Create() };
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

            var root = Path.Combine(parse.GetValue(work)!.FullName, $"{bytes}");
            if (!File.Exists(Path.Combine(root, "ties.yaml")))
            {
                System.Console.WriteLine($"synthesizing three {Units.Bytes(bytes)} bf16 models in {root} ...");
                SynthCommand.Write(root, bytes, DType.BF16, fineTunes: 2, seed: 1);
            }

            var inputs = new[] { "base", "ft-1", "ft-2" }.SelectMany(m => Directory.EnumerateFiles(Path.Combine(root, m), "*.safetensors")).ToList();
            var inputBytes = inputs.Sum(f => new FileInfo(f).Length);
            // The bound is measured before and after every merge and the smallest one of the run is used: a bound
            // measured right after a merge pays for that merge's dirty pages, which would flatter the ratio.
            var bound = StreamingBound(inputs, inputBytes / 3, root);
            var results = new List<(string Method, double Seconds, double Rss, long Moved)>();
            System.Console.WriteLine($"device {benchDevice}");
            foreach (var method in parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var spec = Path.Combine(root, $"{method}.yaml");
                if (!File.Exists(spec))
                {
                    return MergeCommand.Fail($"{spec}: no such spec (fusion synth writes {string.Join(", ", ExampleSpecs.For(2).Keys)})");
                }

                (double Seconds, double Rss, long Moved) best = (double.MaxValue, 0, 0);
                for (var run = 0; run < Math.Max(1, parse.GetValue(repeat)); run++)
                {
                    var output = Path.Combine(root, $"out-{method}");
                    var stats = await MergeInChildAsync(spec, output, benchDevice!, cancellationToken);
                    var outputBytes = Directory.EnumerateFiles(output, "*.safetensors").Sum(f => new FileInfo(f).Length);
                    var seconds = stats["job_seconds"]!.GetValue<double>();
                    if (seconds < best.Seconds)
                    {
                        best = (seconds, stats["peak_rss_bytes"]!.GetValue<long>(), inputBytes + outputBytes);
                    }

                    Directory.Delete(output, recursive: true);
                    bound = Math.Min(bound, StreamingBound(inputs, outputBytes, root));
                }

                results.Add((method, best.Seconds, best.Rss, best.Moved));
            }

            System.Console.WriteLine($"streaming bound (fastest of the run): {bound:F2} s to read the three inputs ({Units.Bytes(inputBytes)}) and write one output");
            System.Console.WriteLine($"{"method",-16} {"merge s",8} {"stream s",9} {"ratio",6} {"GB/s",6} {"peak RSS",10}");
            foreach (var (method, seconds, rss, moved) in results)
            {
                System.Console.WriteLine($"{method,-16} {seconds,8:F2} {bound,9:F2} {seconds / bound,6:F2} {moved / seconds / 1e9,6:F2} {Units.Bytes((long)rss),10}");
            }

            return 0;
        });
        return command;
    }

    private static async Task<JsonObject> MergeInChildAsync(string spec, string output, string device, CancellationToken cancellationToken)
    {
        var statsFile = Path.GetTempFileName();
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        }

        foreach (var arg in new[] { "merge", spec, "--out", output, "--device", device, "--overwrite", "--quiet", "--stats-json", statsFile })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync(cancellationToken);
        await child.StandardOutput.ReadToEndAsync(cancellationToken);
        await child.WaitForExitAsync(cancellationToken);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"fusion merge {spec} failed: {await stderr}");
        }

        var stats = JsonNode.Parse(await File.ReadAllTextAsync(statsFile, cancellationToken))!.AsObject();
        File.Delete(statsFile);
        return stats;
    }

    /// <summary>Seconds to read every input byte and write as many bytes as the merge wrote, with large sequential I/O.</summary>
    private static double StreamingBound(IReadOnlyList<string> inputs, long outputBytes, string root)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(IoBlock, pinned: true);
        var clock = Stopwatch.StartNew();
        foreach (var file in inputs)
        {
            using var handle = File.OpenHandle(file);
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                offset += read;
            }
        }

        var sink = Path.Combine(root, "stream-bound.tmp");
        using (var handle = File.OpenHandle(sink, FileMode.Create, FileAccess.Write, preallocationSize: outputBytes))
        {
            for (long offset = 0; offset < outputBytes; offset += IoBlock)
            {
                RandomAccess.Write(handle, buffer.AsSpan(0, (int)Math.Min(IoBlock, outputBytes - offset)), offset);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        File.Delete(sink);
        return seconds;
    }
}

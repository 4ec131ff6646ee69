using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Console;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench sweep: a task-arithmetic sweep of N weight points over three synthetic models (its merges as
/// one shared-input job, on the embedded silo, in its own fusion process), against the same N merges run
/// separately, as one shared-input <c>fusion merge --out-dir</c>, and against the streaming bound of one merge
/// (read every input byte, write one output once).
/// </summary>
public static class BenchSweepCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "size of each synthetic model", DefaultValueFactory = _ => "1GB" };
        var points = new Option<int>("--points") { Description = "weights in the sweep's grid", DefaultValueFactory = _ => 10 }.Positive();
        var work = new Option<DirectoryInfo>("--work") { Description = "where models are synthesized (reused when present)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench")) };
        var command = new Command("sweep", "Time a sweep of N merges against N separate merges and the streaming bound of one") { size, points, work };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!ByteSize.TryParse(parse.GetValue(size), out var bytes))
            {
                return MergeCommand.Fail("--size: expected a size such as 1GB");
            }

            var root = Path.Combine(parse.GetValue(work)!.FullName, $"{bytes}");
            if (!File.Exists(Path.Combine(root, "task_arithmetic.yaml")))
            {
                System.Console.WriteLine($"synthesizing three {Units.Bytes(bytes)} bf16 models in {root} ...");
                SynthCommand.Write(root, bytes, DType.BF16, fineTunes: 2, seed: 1);
            }

            var count = parse.GetValue(points);
            var weights = Enumerable.Range(1, count).Select(i => (i / (double)count).ToString("0.###", CultureInfo.InvariantCulture)).ToList();
            var bench = Path.Combine(root, "bench-sweep");
            if (Directory.Exists(bench))
            {
                Directory.Delete(bench, recursive: true);
            }

            Directory.CreateDirectory(bench);
            var inputs = new[] { "base", "ft-1", "ft-2" }.SelectMany(m => Directory.EnumerateFiles(Path.Combine(root, m), "*.safetensors")).ToList();

            // The same N merges, one fusion merge process each.
            var template = await File.ReadAllTextAsync(Path.Combine(root, "task_arithmetic.yaml"), cancellationToken);
            double separate = 0;
            long separateRss = 0, outputBytes = 0;
            var specs = new List<string>();
            foreach (var weight in weights)
            {
                var spec = Path.Combine(root, $"bench-sweep-{weight}.yaml");
                specs.Add(spec);
                await File.WriteAllTextAsync(spec, template.Replace("weight: 0.5", $"weight: {weight}", StringComparison.Ordinal), cancellationToken);
                var output = Path.Combine(bench, "separate");
                var stats = await BenchCommand.MergeInChildAsync(spec, output, MergeDevices.Cpu, cancellationToken);
                separate += stats["job_seconds"]!.GetValue<double>();
                separateRss = Math.Max(separateRss, stats["peak_rss_bytes"]!.GetValue<long>());
                outputBytes = Directory.EnumerateFiles(output, "*.safetensors").Sum(f => new FileInfo(f).Length);
                Directory.Delete(output, recursive: true);
            }

            var bound = BenchCommand.StreamingBound(inputs, outputBytes, bench);
            // What any job that publishes N whole outputs pays at least: the inputs read once, N outputs written to the disk.
            var writeBound = BenchCommand.StreamingBound(inputs, outputBytes, bench, outputs: count, durable: true);
            var oneDurable = BenchCommand.StreamingBound(inputs, outputBytes, bench, durable: true);

            // The same N merges as one shared-input job (fusion merge a.yaml b.yaml ... --out-dir).
            var sharedStats = await BenchCommand.MergeInChildAsync(specs, "--out-dir", Path.Combine(bench, "shared"), MergeDevices.Cpu, cancellationToken);
            var shared = sharedStats["job_seconds"]!.GetValue<double>();
            var sharedRss = sharedStats["peak_rss_bytes"]!.GetValue<long>();
            Directory.Delete(Path.Combine(bench, "shared"), recursive: true);
            specs.ForEach(File.Delete);

            // The sweep: a grid over every model's weight, a trivial evaluator; its merges launch together, as one shared-input job.
            var sweepFile = Path.Combine(root, "bench-sweep.yaml");
            await File.WriteAllTextAsync(sweepFile, $$"""
                name: bench sweep
                template: task_arithmetic.yaml
                space:
                  - grid:
                      models[*].parameters.weight: [{{string.Join(", ", weights)}}]
                max_concurrent: {{count}}
                evaluator:
                  command: {run: "echo '{\"score\": 1}' # {model}", timeout: 60}
                objective: {metric: score, direction: maximize}
                promote: {best: false, keep_runs: 1}
                out: bench-sweep/sweep-out
                """, cancellationToken);
            var (run, sweepRss) = await SweepInChildAsync(sweepFile, cancellationToken);
            File.Delete(sweepFile);
            var summary = run["Summary"]!.AsObject();
            var sweepSeconds = (summary["FinishedAt"]!.GetValue<DateTimeOffset>() - summary["StartedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds;
            var merged = run["Candidates"]!.AsArray().Count(c => c!["MergeSeconds"]!.GetValue<double>() > 0);
            Directory.Delete(bench, recursive: true);

            var one = separate / count;
            System.Console.WriteLine($"{count} task_arithmetic points over three {Units.Bytes(bytes)} bf16 models; embedded silo; {merged} merges in the sweep");
            System.Console.WriteLine($"{"what",-28} {"seconds",8} {"× one merge",12} {"× bound",8} {"peak RSS",10}");
            System.Console.WriteLine($"{"streaming bound (one merge)",-28} {bound,8:F2} {bound / one,12:F2} {1,8:F2} {"",10}");
            System.Console.WriteLine($"{"bound, 1 output on disk",-28} {oneDurable,8:F2} {oneDurable / one,12:F2} {oneDurable / bound,8:F2} {"",10}");
            System.Console.WriteLine($"{$"bound, {count} outputs on disk",-28} {writeBound,8:F2} {writeBound / one,12:F2} {writeBound / bound,8:F2} {"",10}");
            System.Console.WriteLine($"{"one merge (mean)",-28} {one,8:F2} {1,12:F2} {one / bound,8:F2} {Units.Bytes(separateRss),10}");
            System.Console.WriteLine($"{$"{count} separate merges",-28} {separate,8:F2} {separate / one,12:F2} {separate / bound,8:F2} {Units.Bytes(separateRss),10}");
            System.Console.WriteLine($"{$"{count} merges, shared input",-28} {shared,8:F2} {shared / one,12:F2} {shared / bound,8:F2} {Units.Bytes(sharedRss),10}");
            System.Console.WriteLine($"{$"sweep of {count} points",-28} {sweepSeconds,8:F2} {sweepSeconds / one,12:F2} {sweepSeconds / bound,8:F2} {Units.Bytes(sweepRss),10}");
            if (count > 1)
            {
                // The N-output bound less the one-output bound: the same reads, N - 1 more outputs written and flushed.
                var diskSpeed = (count - 1) * outputBytes / Math.Max(1e-9, writeBound - oneDurable);
                System.Console.WriteLine($"disk writes (flushed): {diskSpeed / 1e9:F2} GB/s; {count} outputs are {Units.Bytes(count * outputBytes)}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>Runs fusion sweep run FILE --json in a child process; returns the run and the child's peak RSS.</summary>
    private static async Task<(JsonObject Run, long PeakRss)> SweepInChildAsync(string sweepFile, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchSweepCommand).Assembly.Location);
        }

        foreach (var arg in new[] { "sweep", "run", sweepFile, "--json", CommandEvaluatorOptions.Switch })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = child.StandardError.ReadToEndAsync(cancellationToken);
        long peak = 0;
        while (!child.HasExited)
        {
            peak = Math.Max(peak, PeakRss(child.Id));
            await Task.Delay(100, cancellationToken);
        }

        await child.WaitForExitAsync(cancellationToken);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"fusion sweep run {sweepFile} failed: {await stderr}");
        }

        var text = await stdout;
        return (JsonNode.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..])!.AsObject(), peak);
    }

    /// <summary>VmHWM of a running process (0 once it is gone).</summary>
    private static long PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: >= 2 } && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

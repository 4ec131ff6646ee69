using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Console;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench sweep: a task-arithmetic sweep of N weight points over three synthetic models (its merges as
/// one shared-input job, on the embedded silo, in its own fusion process), against the same N merges run
/// separately, as one shared-input <c>fusion merge --out-dir</c>, and against the streaming bound of one merge
/// (read every input byte, write one output once). With --cluster the same separate merges, shared-input job and
/// sweep run on that cluster too (<see cref="BenchSweepCluster"/>); with --ram the shared-input job and the sweep run
/// once more with their outputs in a RAM-backed folder, which separates the disk's write floor from our own cost.
/// </summary>
public static class BenchSweepCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        cluster.Redis.DefaultValueFactory = _ => null;
        cluster.Redis.Description = "also run the separate merges, the shared-input job and the sweep on this cluster's Redis (host:port; silos on this machine report their peak memory)";
        var size = new Option<string>("--size") { Description = "size of each synthetic model", DefaultValueFactory = _ => "1GB" };
        var points = new Option<int>("--points") { Description = "weights in the sweep's grid", DefaultValueFactory = _ => 10 }.Positive();
        var work = new Option<DirectoryInfo>("--work") { Description = "where models are synthesized (reused when present) and outputs written", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench")) };
        var ram = new Option<DirectoryInfo?>("--ram") { Description = "a RAM-backed folder (tmpfs, e.g. /dev/shm/fusion-bench): adds rows that write the N outputs there, without the disk's write floor" };
        var scoredRuns = new Option<int>("--scored-runs")
        {
            Description = "runs of the scored sweep, each right after one merge of its middle point and with a seed of its own (no score cached): its row shows their median, and a line each run against the merge before it",
            DefaultValueFactory = _ => 1,
        }.Positive();
        var command = new Command("sweep", "Time a sweep of N merges against N separate merges and the streaming bound of one") { size, points, work, ram, scoredRuns };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!ByteSize.TryParse(parse.GetValue(size), out var bytes))
            {
                return MergeCommand.Fail("--size: expected a size such as 1GB");
            }

            var root = Path.Combine(parse.GetValue(work)!.FullName, $"{bytes}");
            if (!File.Exists(Path.Combine(root, "task_arithmetic.yaml")))
            {
                if (SynthCommand.BenchInputs(root, bytes, cancellationToken) is not 0 and var failed)
                {
                    return failed;
                }
            }

            var count = parse.GetValue(points);
            // The scored sweeps' own seed (no effect on task arithmetic, but part of every merge's key): a cluster's evaluation
            // cache (Redis) outlives the bench, and a score kept by an earlier bench run would be taken instead of measured.
            var scoringSeed = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
            var weights = Enumerable.Range(1, count).Select(i => (i / (double)count).ToString("0.###", CultureInfo.InvariantCulture)).ToList();
            var bench = Path.Combine(root, "bench-sweep");
            var inputs = new[] { "base", "ft-1", "ft-2" }.SelectMany(m => Directory.EnumerateFiles(Path.Combine(root, m), "*.safetensors")).ToList();
            var ramBench = parse.GetValue(ram) is { } ramFolder ? Path.Combine(ramFolder.FullName, "bench-sweep") : null;
            if (ramBench is not null && RamProblem(ramBench, count, inputs.Where(f => f.Contains($"{Path.DirectorySeparatorChar}base{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length)) is { } problem)
            {
                return MergeCommand.Fail(problem);
            }

            foreach (var folder in new[] { bench, ramBench }.OfType<string>())
            {
                DeleteIfPresent(folder);
                Directory.CreateDirectory(folder);
            }

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
                JsonObject stats;
                try
                {
                    stats = await BenchCommand.MergeInChildAsync(spec, output, MergeDevices.Cpu, cancellationToken);
                }
                catch (InvalidOperationException e)
                {
                    return MergeCommand.Fail(e.Message);
                }

                separate += stats["job_seconds"]!.GetValue<double>();
                separateRss = Math.Max(separateRss, stats["peak_rss_bytes"]!.GetValue<long>());
                outputBytes = Directory.EnumerateFiles(output, "*.safetensors").Sum(f => new FileInfo(f).Length);
                Directory.Delete(output, recursive: true);
            }

            // The bounds, like the merges before them and every row after them, start with the inputs in the page cache.
            BenchCommand.ReadThrough(inputs);
            var bound = BenchCommand.StreamingBound(inputs, outputBytes, bench);
            // What any job that publishes N whole outputs pays at least: the inputs read once, N outputs written to the disk.
            var writeBound = BenchCommand.StreamingBound(inputs, outputBytes, bench, outputs: count, durable: true);
            var oneDurable = BenchCommand.StreamingBound(inputs, outputBytes, bench, durable: true);
            var rows = new List<BenchSweepRow>
            {
                new("streaming bound (one merge)", bound),
                new("bound, 1 output on disk", oneDurable),
                new($"bound, {count} outputs on disk", writeBound),
            };
            if (ramBench is not null)
            {
                rows.Add(new($"bound, {count} outputs in RAM", BenchCommand.StreamingBound(inputs, outputBytes, ramBench, outputs: count, durable: true)));
            }

            var one = separate / count;
            rows.Add(new("one merge (mean)", one, Units.Bytes(separateRss)));
            rows.Add(new($"{count} separate merges", separate, Units.Bytes(separateRss)));

            // Each row below starts as the merges above did, with the inputs in the page cache: a row that writes N outputs
            // pushes them out, and the row after it read them from the disk (the scored sweep then took a second longer).
            // The same N merges as one shared-input job (fusion merge a.yaml b.yaml ... --out-dir), outputs on the disk and in RAM.
            foreach (var (place, folder) in Places(bench, ramBench))
            {
                BenchCommand.ReadThrough(inputs);
                JsonObject sharedStats;
                try
                {
                    sharedStats = await BenchCommand.MergeInChildAsync(specs, "--out-dir", Path.Combine(folder, "shared"), MergeDevices.Cpu, cancellationToken);
                }
                catch (InvalidOperationException e)
                {
                    return MergeCommand.Fail(e.Message);
                }

                rows.Add(new($"{count} merges, shared input{place}", sharedStats["job_seconds"]!.GetValue<double>(), Units.Bytes(sharedStats["peak_rss_bytes"]!.GetValue<long>())));
                Directory.Delete(Path.Combine(folder, "shared"), recursive: true);
            }

            // The sweep: a grid over every model's weight, a trivial evaluator; its merges launch together, as one shared-input job.
            var sweepFile = Path.Combine(root, "bench-sweep.yaml");
            var merged = 0;
            foreach (var (place, folder) in Places(bench, ramBench))
            {
                await File.WriteAllTextAsync(sweepFile, SweepText(weights, Path.Combine(folder, "sweep-out")), cancellationToken);
                BenchCommand.ReadThrough(inputs);
                var (run, sweepRss) = await SweepInChildAsync(sweepFile, cancellationToken);
                var sweepSeconds = RunSeconds(run);
                merged = run["Candidates"]!.AsArray().Count(c => c!["MergeSeconds"]!.GetValue<double>() > 0);
                rows.Add(new($"sweep of {count} points{place}", sweepSeconds, Units.Bytes(sweepRss)));
                Directory.Delete(Path.Combine(folder, "sweep-out"), recursive: true);
            }

            // The sweep scored in-job: every point's tensor metrics summed inside the shared-input job, which writes only the
            // best, while scoring, and publishes it (outputs: {publish: best, keep: 1}). Run more than once, each run follows
            // one merge of the grid's middle point: the machine's speed drifts within a bench, so a ratio of two runs side by
            // side says more than one against the separate merges of minutes before.
            const string InJob = "sweep, in-job evaluation, best 1 published";
            var runs = parse.GetValue(scoredRuns);
            var scored = new List<(double Merge, double Sweep, JsonObject Run)>();
            long scoredRss = 0;
            for (var run = 0; run < runs; run++)
            {
                var merge = double.NaN;
                if (runs > 1)
                {
                    BenchCommand.ReadThrough(inputs);
                    try
                    {
                        merge = (await BenchCommand.MergeInChildAsync(specs[count / 2], Path.Combine(bench, "paired"), MergeDevices.Cpu, cancellationToken))["job_seconds"]!.GetValue<double>();
                    }
                    catch (InvalidOperationException e)
                    {
                        return MergeCommand.Fail(e.Message);
                    }

                    Directory.Delete(Path.Combine(bench, "paired"), recursive: true);
                }

                var seed = run == 0 ? scoringSeed : (ulong)Random.Shared.NextInt64(1, long.MaxValue);
                DeleteIfPresent(Path.Combine(bench, "scored-out"));
                await File.WriteAllTextAsync(sweepFile, SweepText(weights, Path.Combine(bench, "scored-out"), seed), cancellationToken);
                BenchCommand.ReadThrough(inputs);
                var (scoredRun, rss) = await SweepInChildAsync(sweepFile, cancellationToken);
                scored.Add((merge, RunSeconds(scoredRun), scoredRun));
                scoredRss = Math.Max(scoredRss, rss);
            }

            var median = scored.OrderBy(s => s.Sweep).ElementAt(scored.Count / 2);
            rows.Add(new(InJob, median.Sweep, Units.Bytes(scoredRss)));

            // The same sweep run again, as a nightly sweep whose points and inputs did not change: every point's score is in
            // the evaluation cache, and the best is published already.
            var (againRun, againRss) = await SweepInChildAsync(sweepFile, cancellationToken);
            var cachedScores = againRun["Candidates"]!.AsArray().Count(c => c!["EvaluationCached"]!.GetValue<bool>());
            rows.Add(new($"the same sweep again ({cachedScores}/{count} scores cached)", RunSeconds(againRun), Units.Bytes(againRss)));
            Directory.Delete(Path.Combine(bench, "scored-out"), recursive: true);

            var silosHere = 0;
            if (!string.IsNullOrWhiteSpace(parse.GetValue(cluster.Redis)))
            {
                try
                {
                    await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                    var silos = LocalSiloMemory.Find(parse.GetValue(cluster.Redis)!);
                    silosHere = silos.Count;
                    var runner = new BenchSweepCluster(connection, silos);
                    var (clusterSeparate, separateMemory) = await runner.SeparateAsync(specs, Path.Combine(bench, "cluster-separate"), cancellationToken);
                    rows = rows.Select(r => r.What switch
                    {
                        "one merge (mean)" => r with { Cluster = clusterSeparate / count, ClusterMemory = separateMemory },
                        _ when r.What == $"{count} separate merges" => r with { Cluster = clusterSeparate, ClusterMemory = separateMemory },
                        _ => r,
                    }).ToList();
                    foreach (var (place, folder) in Places(bench, ramBench))
                    {
                        BenchCommand.ReadThrough(inputs);
                        var (seconds, memory) = await runner.SharedAsync(specs, Path.Combine(folder, "cluster-shared"), cancellationToken);
                        Directory.Delete(Path.Combine(folder, "cluster-shared"), recursive: true);
                        rows = rows.Select(r => r.What == $"{count} merges, shared input{place}" ? r with { Cluster = seconds, ClusterMemory = memory } : r).ToList();
                    }

                    foreach (var (place, folder) in Places(bench, ramBench))
                    {
                        await File.WriteAllTextAsync(sweepFile, SweepText(weights, Path.Combine(folder, "cluster-sweep-out")), cancellationToken);
                        BenchCommand.ReadThrough(inputs);
                        var (seconds, memory) = await runner.SweepAsync(sweepFile, cancellationToken);
                        await DeleteWhenQuietAsync(Path.Combine(folder, "cluster-sweep-out"), cancellationToken);
                        rows = rows.Select(r => r.What == $"sweep of {count} points{place}" ? r with { Cluster = seconds, ClusterMemory = memory } : r).ToList();
                    }

                    await File.WriteAllTextAsync(sweepFile, SweepText(weights, Path.Combine(bench, "cluster-scored-out"), scoringSeed), cancellationToken);
                    BenchCommand.ReadThrough(inputs);
                    var (scoredSeconds, scoredMemory) = await runner.SweepAsync(sweepFile, cancellationToken);
                    await DeleteWhenQuietAsync(Path.Combine(bench, "cluster-scored-out"), cancellationToken);
                    rows = rows.Select(r => r.What == InJob ? r with { Cluster = scoredSeconds, ClusterMemory = scoredMemory } : r).ToList();
                }
                catch (InvalidOperationException e)
                {
                    return MergeCommand.Fail(e.Message);
                }
            }

            File.Delete(sweepFile);
            specs.ForEach(File.Delete);
            foreach (var folder in new[] { bench, ramBench }.OfType<string>())
            {
                Directory.Delete(folder, recursive: true);
            }

            Print(rows, count, bytes, merged, silosHere, outputBytes, writeBound, oneDurable);
            System.Console.WriteLine(ScoredRunParts(median.Run));
            if (scored.Count > 1)
            {
                System.Console.WriteLine(ScoredPairs(scored.Select(s => (s.Merge, s.Sweep)).ToList()));
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Deletes a cluster sweep's output folder; a silo may still be writing its run record there for a moment
    /// after the run reads as finished, so a folder that fills up again while it is deleted is tried again.
    /// </summary>
    private static async Task DeleteWhenQuietAsync(string folder, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 60)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    /// <summary>Each scored run against the merge just before it, and the ratios' median and range.</summary>
    public static string ScoredPairs(IReadOnlyList<(double Merge, double Sweep)> pairs)
    {
        var ratios = pairs.Select(p => p.Sweep / p.Merge).Order().ToList();
        return $"scored runs, each after one merge: {string.Join("; ", pairs.Select(p => $"{p.Sweep:F2} s against {p.Merge:F2} s, {p.Sweep / p.Merge:F2}×"))}"
            + $"; median {ratios[ratios.Count / 2]:F2}× ({ratios[0]:F2}-{ratios[^1]:F2}×)";
    }

    private static void DeleteIfPresent(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The folders outputs go to: the disk under --work, and --ram when given (its rows say so).</summary>
    private static IEnumerable<(string Place, string Folder)> Places(string bench, string? ramBench) =>
        ramBench is null ? [("", bench)] : [("", bench), (", outputs in RAM", ramBench)];

    /// <summary>Why --ram cannot take the N outputs (about one model each), or null.</summary>
    private static string? RamProblem(string ramBench, int count, long modelBytes)
    {
        var parent = Path.GetDirectoryName(ramBench)!;
        Directory.CreateDirectory(parent);
        var drive = new DriveInfo(parent);
        // The bound row writes N outputs at once and the jobs N outputs plus their staging: N + 1 models with some slack.
        var needed = (long)((count + 1) * modelBytes * 1.1);
        return drive.AvailableFreeSpace < needed
            ? $"--ram {parent}: {count} outputs of about {Units.Bytes(modelBytes)} need {Units.Bytes(needed)}, only {Units.Bytes(drive.AvailableFreeSpace)} free there"
            : null;
    }

    /// <summary>A run's time from its start to its end, as the sweep grain recorded them.</summary>
    private static double RunSeconds(JsonObject run)
    {
        var summary = run["Summary"]!.AsObject();
        return (summary["FinishedAt"]!.GetValue<DateTimeOffset>() - summary["StartedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds;
    }

    /// <summary>
    /// Where the embedded scored run's time went, from its candidates: the scoring job (every unpublished candidate's merge
    /// seconds are that job's), which writes and publishes the best itself when it holds every point; otherwise the best's
    /// second merge that wrote and published it (its merge seconds less the scoring job's); and the rest of the run
    /// (preparing it, planning and staging the jobs, the steps between them).
    /// </summary>
    private static string ScoredRunParts(JsonObject run)
    {
        var candidates = run["Candidates"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var scoring = candidates.Where(c => c["Unpublished"]!.GetValue<bool>()).Select(c => c["MergeSeconds"]!.GetValue<double>()).DefaultIfEmpty(0).Max();
        var best = candidates.Where(c => !c["Unpublished"]!.GetValue<bool>()).ToList();
        var published = best.Select(c => c["MergeSeconds"]!.GetValue<double>()).DefaultIfEmpty(scoring).Max();
        var total = RunSeconds(run);
        // Published by the scoring job, the best carries that job's seconds only; merged again, those plus its second job's.
        return published <= scoring
            ? $"scored run ({total:F2} s): scoring job {published:F2} s, the best written while scoring and published by it, the rest {total - published:F2} s"
            : $"scored run ({total:F2} s): scoring job {scoring:F2} s, the best merged again and published {published - scoring:F2} s, the rest {total - published:F2} s";
    }

    /// <param name="scoringSeed">
    /// Given, score every point with the tensors evaluator inside the merge job and publish only the best, with this seed;
    /// otherwise a trivial command evaluator on every published output.
    /// </param>
    private static string SweepText(IReadOnlyList<string> weights, string output, ulong? scoringSeed = null) => $$"""
        name: bench sweep
        template: task_arithmetic.yaml
        space:
          - grid:
              models[*].parameters.weight: [{{string.Join(", ", weights)}}]
        max_concurrent: {{weights.Count}}
        {{(scoringSeed is { } seed ? $"{ScoredInJob}\nseed: {seed}" : CommandEvaluated)}}
        promote: {best: false, keep_runs: 1}
        out: {{output}}
        """;

    private const string CommandEvaluated = """
        evaluator:
          command: {run: "echo '{\"score\": 1}' # {model}", timeout: 60}
        objective: {metric: score, direction: maximize}
        """;

    private const string ScoredInJob = """
        evaluator:
          tensors: {compare: [ft-1, ft-2], base: base}
        objective: {metric: cosine/ft-1, direction: maximize}
        outputs: {publish: best, keep: 1}
        """;

    private static void Print(IReadOnlyList<BenchSweepRow> rows, int count, long bytes, int merged, int silosHere, long outputBytes, double writeBound, double oneDurable)
    {
        var one = rows.Single(r => r.What == "one merge (mean)");
        var withCluster = rows.Any(r => r.Cluster is not null);
        System.Console.WriteLine($"{count} task_arithmetic points over three {Units.Bytes(bytes)} bf16 models; {merged} merges in the sweep"
            + (withCluster ? $"; cluster: {silosHere} silo processes on this machine" : ""));
        System.Console.WriteLine($"{"what",-44} {"embedded s",10} {"× one",7} {"peak RSS",10}" + (withCluster ? $" {"cluster s",10} {"× one",7} {"× embedded",10}" : ""));
        foreach (var row in rows)
        {
            var line = $"{row.What,-44} {row.Embedded,10:F2} {row.Embedded / one.Embedded,7:F2} {row.EmbeddedMemory,10}";
            if (row.Cluster is { } seconds)
            {
                line += $" {seconds,10:F2} {seconds / one.Cluster,7:F2} {seconds / row.Embedded,10:F2}";
            }

            System.Console.WriteLine(line);
        }

        foreach (var row in rows.Where(r => r.Cluster is not null))
        {
            System.Console.WriteLine($"silo peak RSS, {row.What}: {row.ClusterMemory}");
        }

        if (count > 1)
        {
            // The N-output bound less the one-output bound: the same reads, N - 1 more outputs written and flushed.
            var diskSpeed = (count - 1) * outputBytes / Math.Max(1e-9, writeBound - oneDurable);
            System.Console.WriteLine($"disk writes (flushed): {diskSpeed / 1e9:F2} GB/s; {count} outputs are {Units.Bytes(count * outputBytes)}");
        }
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
            peak = Math.Max(peak, ProcessMemory.PeakResidentBytes(child.Id));
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
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion sweep create|run|show|pause|resume|cancel|delete|list: merge sweeps on a cluster (--cluster or
/// FUSION_CLUSTER); fusion sweep run sweep.yaml without a cluster runs one sweep on an embedded silo.
/// </summary>
public static class SweepCommand
{
    public static Command Create() => new("sweep", "Sweep a merge spec over a parameter space, evaluate every merge, keep a leaderboard and promote the best")
    {
        CreateCommand(),
        RunCommand(),
        ShowCommand(),
        SimpleCommand("pause", "Stop scheduled runs and new merges of a sweep (merges in flight finish)", (sweep, _) => sweep.Pause()),
        SimpleCommand("resume", "Resume a paused sweep; its next fire is counted from now", (sweep, _) => sweep.Resume()),
        CancelCommand(),
        DeleteCommand(),
        ListCommand(),
    };

    /// <summary>A sweep id from a sweep's name: lower-case letters, digits, '-', '_' and '.'.</summary>
    public static string IdFromName(string name)
    {
        var id = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        var text = id.ToString().Trim('-', '.');
        return text.Length == 0 ? "sweep" : text.Length > 100 ? text[..100] : text;
    }

    private static Command CreateCommand()
    {
        var cluster = new ClusterOptions();
        var file = new Argument<FileInfo>("sweep") { Description = "sweep.yaml; its paths must be visible to every silo" };
        var id = new Option<string?>("--id") { Description = "sweep id (default: from the sweep's name)" };
        var command = new Command("create", "Create a sweep on the cluster from sweep.yaml; prints its id") { file, id };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sweepFile = parse.GetValue(file)!;
            SweepSpec spec;
            string text;
            try
            {
                // Checked here first, so that a mistake is reported before connecting anywhere; the text checked is the text sent.
                text = SpecYaml.ReadText(sweepFile.FullName, "sweep file");
                spec = SweepSpecParser.Parse(text, sweepFile.Name, sweepFile.DirectoryName!);
            }
            catch (SpecException e)
            {
                return MergeCommand.Fail(e.Message);
            }

            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var sweepId = parse.GetValue(id) ?? IdFromName(spec.Name);
                var status = await connection.Client.GetGrain<ISweepGrain>(sweepId).Create(Definition(sweepFile, text));
                if (status.Error is not null)
                {
                    return MergeCommand.Fail(status.Error);
                }

                System.Console.WriteLine(sweepId);
                return 0;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }

    private static Command RunCommand()
    {
        var cluster = new ClusterOptions();
        var target = new Argument<string>("sweep") { Description = "with a cluster: the sweep id; without one: a sweep.yaml to run here on an embedded silo" };
        var wait = new Option<bool>("--wait", "-w") { Description = "with a cluster: wait for the run to end and print its leaderboard" };
        var parallel = new Option<int>("--parallel") { Description = "embedded: merge units and evaluations run at once (default: one per core)" }.Positive();
        var json = new Option<bool>("--json") { Description = "print the finished run as JSON" };
        var allowCommand = new Option<bool>(CommandEvaluatorOptions.Switch) { Description = "embedded: run the sweep's command evaluator here (off by default; a cluster's silos decide for themselves)" };
        var command = new Command("run", "Run a sweep now: on the cluster (by id), or here from sweep.yaml when no cluster is given") { target, wait, parallel, json, allowCommand };
        cluster.AddTo(command);

        // Embedded only: a cluster's silos have their own roots.
        var dataRoots = new DataRootsOption();
        dataRoots.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var argument = parse.GetValue(target)!;
            if (string.IsNullOrWhiteSpace(parse.GetValue(cluster.Redis)))
            {
                return await RunEmbeddedAsync(argument, parse.GetValue(parallel), parse.GetValue(json), parse.GetValue(allowCommand), dataRoots.Resolve(parse), cancellationToken);
            }

            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var sweep = connection.Client.GetGrain<ISweepGrain>(argument);
                var result = await sweep.Run();
                if (result.Error is not null)
                {
                    return MergeCommand.Fail(result.Error);
                }

                System.Console.WriteLine(result.Started ? $"run {result.Run} started" : "queued behind the running run");
                if (!parse.GetValue(wait) || !result.Started)
                {
                    return 0;
                }

                while (true)
                {
                    var run = await sweep.GetRun(result.Run);
                    if (run is null || run.Summary.State is not (SweepRunState.Preparing or SweepRunState.Running))
                    {
                        return Print(run, parse.GetValue(json));
                    }

                    await Task.Delay(1000, cancellationToken);
                }
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
            catch (OperationCanceledException)
            {
                // Only the waiting stops; the run goes on in the cluster.
                return MergeCommand.Fail($"stopped waiting; the run goes on (fusion sweep show {argument}; fusion sweep cancel {argument} stops it)", 130);
            }
        });
        return command;
    }

    private static async Task<int> RunEmbeddedAsync(string file, int parallel, bool json, bool allowCommand, LocalRoots roots, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return MergeCommand.Fail($"{Path.GetFullPath(file)}: no such sweep file (without --cluster, fusion sweep run takes a sweep.yaml and runs it here)");
        }

        SweepSpec spec;
        string text;
        try
        {
            (spec, text) = SweepSpecParser.ReadFile(file, roots);
        }
        catch (SpecException e)
        {
            return MergeCommand.Fail(e.Message);
        }

        // The id is made from the name here: another name that makes the same id must not take this output as its own.
        var id = IdFromName(spec.Name);
        if (NameClash(spec, id) is { } clash)
        {
            return MergeCommand.Fail(clash);
        }

        System.Console.Error.WriteLine($"sweep {spec.Name}: {spec.Points.Count} merges, {spec.MaxConcurrent} at once, on an embedded silo; output {spec.Output}");
        try
        {
            await using var runner = await SweepEmbeddedRunner.StartAsync(parallel, allowCommand, roots, CancellationToken.None);
            var run = await runner.RunAsync(file, text, id, candidate => System.Console.Error.WriteLine(
                candidate.State == CandidateState.Done
                    ? string.Create(CultureInfo.InvariantCulture, $"  {spec.Objective.Metric} {candidate.Objective:0.######}{(candidate.EvaluationCached ? " (score cached)" : candidate.Cached ? " (merge reused)" : "")}  {candidate.Label}")
                    : $"  failed  {candidate.Label}: {candidate.Error}"), cancellationToken);
            if (!cancellationToken.IsCancellationRequested)
            {
                return Print(run, json);
            }

            if (run.Summary.State != SweepRunState.Cancelled)
            {
                System.Console.Error.WriteLine("the run had begun to finish before the interrupt, and finished");
                return Print(run, json);
            }

            Print(run, json);
            return MergeCommand.Fail($"cancelled; what the run published so far stays in {spec.Output}", 130);
        }
        catch (InvalidOperationException e)
        {
            return MergeCommand.Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            return MergeCommand.Fail("cancelled before the run started", 130);
        }
    }

    /// <summary><see cref="SweepOutputLayout.NameClash"/> for a local output's owner file; an unreadable one is left to the run's claim to report.</summary>
    private static string? NameClash(SweepSpec spec, string id)
    {
        if (spec.Output.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return SweepOutputLayout.NameClash(spec.Output, id, spec.Name, SweepOutputLayout.ReadLocalOwner(spec.Output));
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int Print(SweepRunDetail? run, bool json)
    {
        if (run is null)
        {
            return MergeCommand.Fail("the run is gone (the sweep was deleted)");
        }

        // A run that failed as a whole (its output refused, its evaluator's files missing, no point evaluated) says why
        // where errors go, once: the leaderboard printed before it leaves that line out.
        var failure = run.Summary.State == SweepRunState.Failed ? run.Summary.Error : null;
        if (json)
        {
            System.Console.WriteLine(JsonSerializer.Serialize(run, MetricsJson.Indented));
        }
        else
        {
            SweepPrinter.Run(run, System.Console.Out, showRunError: failure is null);
        }

        if (failure is not null)
        {
            return MergeCommand.Fail(failure);
        }

        return run.Summary.State == SweepRunState.Succeeded ? 0 : 1;
    }

    private static Command ShowCommand()
    {
        var cluster = new ClusterOptions();
        var id = new Argument<string>("id") { Description = "sweep id" };
        var runNumber = new Option<int>("--run") { Description = "show this run's leaderboard (default: the newest run)" }.Positive();
        var json = new Option<bool>("--json") { Description = "print as JSON" };
        var command = new Command("show", "Show a sweep: schedule, run history and the newest run's leaderboard") { id, runNumber, json };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var sweep = connection.Client.GetGrain<ISweepGrain>(parse.GetValue(id)!);
                var status = await sweep.GetStatus();
                if (!status.Exists)
                {
                    return MergeCommand.Fail($"no sweep '{parse.GetValue(id)}' on this cluster");
                }

                var run = await sweep.GetRun(parse.GetValue(runNumber));
                if (parse.GetValue(json))
                {
                    System.Console.WriteLine(JsonSerializer.Serialize(new { status, run }, MetricsJson.Indented));
                    return 0;
                }

                SweepPrinter.Status(status, System.Console.Out);
                if (run is not null)
                {
                    System.Console.WriteLine();
                    SweepPrinter.Run(run, System.Console.Out);
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

    private static Command SimpleCommand(string name, string description, Func<ISweepGrain, CancellationToken, Task<SweepStatus>> act)
    {
        var cluster = new ClusterOptions();
        var id = new Argument<string>("id") { Description = "sweep id" };
        var command = new Command(name, description) { id };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var status = await act(connection.Client.GetGrain<ISweepGrain>(parse.GetValue(id)!), cancellationToken);
                if (!status.Exists)
                {
                    return MergeCommand.Fail($"no sweep '{parse.GetValue(id)}' on this cluster");
                }

                System.Console.WriteLine($"sweep {status.Id}: {(status.Paused ? "paused" : "active")}{(status.NextFire is { } next ? $", next run {next.ToUniversalTime():yyyy-MM-dd HH:mm} UTC" : "")}");
                return 0;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }

    private static Command CancelCommand()
    {
        var cluster = new ClusterOptions();
        var id = new Argument<string>("id") { Description = "sweep id" };
        var runNumber = new Option<int>("--run") { Description = "the run to cancel (default: the one going now)" }.Positive();
        var command = new Command("cancel", "Cancel a sweep's run while it goes: its merges stop, nothing is promoted; the sweep and its schedule stay") { id, runNumber };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sweepId = parse.GetValue(id)!;
            var number = parse.GetValue(runNumber);
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var sweep = connection.Client.GetGrain<ISweepGrain>(sweepId);
                var status = await sweep.GetStatus();
                if (!status.Exists)
                {
                    return MergeCommand.Fail($"no sweep '{sweepId}' on this cluster");
                }

                if (number == 0 && status.ActiveRun == 0)
                {
                    return MergeCommand.Fail(status.Runs.MaxBy(r => r.Number) is { } newest
                        ? $"no run of sweep '{sweepId}' is going; the newest, run {newest.Number}, {Lower(newest.State)}"
                        : $"sweep '{sweepId}' has no run yet");
                }

                if (number != 0 && number != status.ActiveRun)
                {
                    return MergeCommand.Fail(status.Runs.FirstOrDefault(r => r.Number == number) is { } over
                        ? $"run {number} of sweep '{sweepId}' had already {Lower(over.State)}"
                        : $"sweep '{sweepId}' has no run {number}");
                }

                // It may end meanwhile: the answer says how it ended.
                var summary = (await sweep.CancelRun(status.ActiveRun))?.Summary;
                if (summary is not { State: SweepRunState.Cancelled })
                {
                    return MergeCommand.Fail(summary is null
                        ? $"run {status.ActiveRun} of sweep '{sweepId}' is gone (the sweep was deleted)"
                        : $"run {status.ActiveRun} of sweep '{sweepId}' had already {Lower(summary.State)}");
                }

                System.Console.WriteLine($"run {summary.Number} of sweep {sweepId} cancelled: {summary.Done} of {summary.Candidates} points done");
                return 0;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
            catch (TimeoutException)
            {
                // The grain waits for a finish that has begun; a finish that long is stuck writing the output.
                return MergeCommand.Fail($"sweep '{sweepId}' did not answer in time: its run's finish may be stuck writing its output (see the silo's log)");
            }
        });
        return command;
    }

    private static string Lower(SweepRunState state) => state.ToString().ToLowerInvariant();

    private static Command DeleteCommand()
    {
        var cluster = new ClusterOptions();
        var id = new Argument<string>("id") { Description = "sweep id" };
        var command = new Command("delete", "Delete a sweep: cancel its merges, stop its schedule; its output folder stays") { id };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var sweep = connection.Client.GetGrain<ISweepGrain>(parse.GetValue(id)!);
                if (!(await sweep.GetStatus()).Exists)
                {
                    return MergeCommand.Fail($"no sweep '{parse.GetValue(id)}' on this cluster");
                }

                await sweep.Delete();
                System.Console.WriteLine($"sweep {parse.GetValue(id)} deleted");
                return 0;
            }
            catch (InvalidOperationException e)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }

    private static Command ListCommand()
    {
        var cluster = new ClusterOptions();
        var command = new Command("list", "List the cluster's sweeps");
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await cluster.ConnectAsync(parse, cancellationToken);
                var sweeps = await connection.Client.GetGrain<ISweepCatalogGrain>("default").List();
                System.Console.WriteLine($"{"SWEEP",-24} {"STATE",-9} {"RUNS",-5} {"NEXT (UTC)",-17} {"SCHEDULE",-28} BEST");
                foreach (var sweep in sweeps)
                {
                    var state = sweep.Paused ? "paused" : sweep.ActiveRun > 0 ? "running" : "idle";
                    // The next fire time carries the sweep's time zone offset; the column is UTC.
                    var next = sweep.NextFire is { } n ? n.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
                    var best = sweep.BestObjective is { } b ? string.Create(CultureInfo.InvariantCulture, $"{sweep.ObjectiveMetric} {b:0.####}  {sweep.BestLabel}") : "";
                    System.Console.WriteLine($"{sweep.Id,-24} {state,-9} {sweep.Runs,-5} {next,-17} {(sweep.Schedule.Length == 0 ? "none" : sweep.Schedule),-28} {best}");
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

    private static SweepDefinition Definition(FileInfo file, string text) => new()
    {
        SpecText = text,
        SpecDirectory = file.DirectoryName!,
        SpecName = file.Name,
        SubmittedBy = Environment.UserName,
    };
}

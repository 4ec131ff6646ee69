using System.Globalization;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Cli.Commands;

/// <summary>Sweeps, runs and leaderboards as fusion sweep prints them.</summary>
public static class SweepPrinter
{
    public static void Status(SweepStatus status, TextWriter output)
    {
        output.WriteLine($"sweep     {status.Id} ({status.Name}, {status.SpecName})");
        output.WriteLine($"state     {(status.Paused ? "paused" : status.ActiveRun > 0 ? $"running run {status.ActiveRun}" : "idle")}{(status.RunQueued ? ", a run is queued" : "")}");
        output.WriteLine($"schedule  {(status.Schedule.Length == 0 ? "none (runs on request)" : status.Schedule)}");
        if (status.NextFire is { } next)
        {
            // NextFire carries the sweep's time zone offset: printed in UTC as labelled, and in that zone's local time.
            output.WriteLine($"next      {next.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC ({next:yyyy-MM-dd HH:mm} at UTC{next:zzz})");
        }

        output.WriteLine($"space     {status.Points} merges per run, {status.MaxConcurrent} at once");
        output.WriteLine($"objective {(status.Maximize ? "maximize" : "minimize")} {status.ObjectiveMetric}");
        output.WriteLine($"output    {status.Output}");
        if (status.Runs.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{"RUN",-5} {"STATE",-10} {"TRIGGER",-9} {"STARTED",-20} {"MERGES",-22} BEST");
            foreach (var run in status.Runs)
            {
                var merges = $"{run.Done}/{run.Candidates} ok, {run.Cached} cached";
                var trigger = run.Trigger == SweepTrigger.Schedule && run.Occurrences > 1 ? $"sched x{run.Occurrences}" : run.Trigger.ToString().ToLowerInvariant();
                var best = run.BestLabel is null ? run.Error ?? "" : $"{Number(run.BestObjective)}  {run.BestLabel}";
                output.WriteLine($"{run.Number,-5} {run.State,-10} {trigger,-9} {run.StartedAt:yyyy-MM-dd HH:mm:ss}  {merges,-22} {best}");
            }
        }

        if (status.ScheduleLog.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("schedule log (newest first):");
            foreach (var entry in status.ScheduleLog.Take(10))
            {
                var folded = entry.Occurrences > 1 ? $" ({entry.Occurrences} occurrences folded into one)" : "";
                output.WriteLine($"  {entry.Occurrence:yyyy-MM-dd HH:mm} {entry.Action}{(entry.Run > 0 ? $" run {entry.Run}" : "")}{folded}");
            }
        }
    }

    /// <summary>The run's leaderboard, best first, then the candidates that failed.</summary>
    public static void Run(SweepRunDetail run, TextWriter output)
    {
        var summary = run.Summary;
        output.WriteLine($"run {summary.Number}: {summary.State.ToString().ToLowerInvariant()}, {summary.Done}/{summary.Candidates} {(run.Connect ? "connect points" : "merges")} evaluated ({summary.Cached} reused from the cache, {summary.Failed} failed)");
        if (summary.Error is not null)
        {
            output.WriteLine($"  {summary.Error}");
        }

        if (run.Connect)
        {
            ConnectPoints(run, output);
            return;
        }

        if (run.Leaderboard.Count > 0)
        {
            output.WriteLine($"{"RANK",-5} {run.ObjectiveMetric,-12} {"MERGE",-8} {"EVAL",-7} {"CACHED",-7} POINT");
            for (var rank = 0; rank < run.Leaderboard.Count; rank++)
            {
                var candidate = run.Candidates[run.Leaderboard[rank]];
                // outputs: {publish: best}: points scored in the merge job show "in-job"; those outside the best K were not written.
                var evaluation = candidate.EvaluationCached ? "cached" : candidate.EvaluatedOn == "in-job" ? "in-job" : Seconds(candidate.EvaluationSeconds);
                output.WriteLine($"{rank + 1,-5} {Number(candidate.Objective),-12} {Seconds(candidate.MergeSeconds),-8} {evaluation,-7} {(candidate.Cached ? "yes" : "no"),-7} {candidate.Label}{(candidate.Unpublished ? " (not published)" : "")}");
            }
        }

        // Baselines are not ranked; they are listed under the ranked merges to compare against.
        foreach (var baseline in run.Candidates.Where(c => c.Baseline && c.State == CandidateState.Done))
        {
            output.WriteLine($"{"base",-5} {Number(baseline.Objective),-12} {"-",-8} {(baseline.EvaluationCached ? "cached" : Seconds(baseline.EvaluationSeconds)),-7} {"-",-7} {baseline.Label}");
        }

        foreach (var failed in run.Candidates.Where(c => c.State == CandidateState.Failed))
        {
            output.WriteLine($"failed  {failed.Label}: {failed.Error}");
        }

        if (run.PromotedTo.Length > 0 && run.Leaderboard.Count > 0)
        {
            output.WriteLine($"best -> {run.PromotedTo}");
        }
    }

    /// <summary>A connect sweep's points, best first, each with its barriers and where its connect result is published.</summary>
    private static void ConnectPoints(SweepRunDetail run, TextWriter output)
    {
        if (run.Leaderboard.Count > 0)
        {
            output.WriteLine($"{"RANK",-5} {run.ObjectiveMetric,-12} {"EVAL",-7} {"POINT",-40} RESULT");
            for (var rank = 0; rank < run.Leaderboard.Count; rank++)
            {
                var candidate = run.Candidates[run.Leaderboard[rank]];
                output.WriteLine($"{rank + 1,-5} {Number(candidate.Objective),-12} {Seconds(candidate.EvaluationSeconds),-7} {candidate.Label,-40} {candidate.MergeOutput}");
            }
        }

        foreach (var failed in run.Candidates.Where(c => c.State == CandidateState.Failed))
        {
            output.WriteLine($"failed  {failed.Label}: {failed.Error}");
        }
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "-";

    private static string Seconds(double value) => value > 0 ? value.ToString("0.0s", CultureInfo.InvariantCulture) : "-";
}

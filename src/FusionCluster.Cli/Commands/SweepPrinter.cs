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
                var merges = $"{run.Done}/{run.Candidates} ok, {run.Cached} reused";
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

    /// <summary>
    /// The run's leaderboard, best first, then the points without a rank (an objective that is not a number) and those
    /// that failed. A merge published by an earlier run and reused shows <c>reused</c> where its merge time would be; a
    /// score taken from the evaluation cache shows <c>cached</c> where its evaluation time would be.
    /// </summary>
    /// <param name="showRunError">False when the caller reports the run's own error itself (as the command's error).</param>
    public static void Run(SweepRunDetail run, TextWriter output, bool showRunError = true)
    {
        var summary = run.Summary;
        var points = run.Connect ? "connect points" : "points";
        var scoresCached = run.Candidates.Count(c => !c.Baseline && c.State == CandidateState.Done && c.EvaluationCached);
        var reuse = run.Connect ? "" : $", {Count(summary.Cached, "merge")} reused";
        output.WriteLine(
            $"run {summary.Number}: {summary.State.ToString().ToLowerInvariant()}, {summary.Done}/{summary.Candidates} {points} done "
            + $"({Count(scoresCached, "score")} from the evaluation cache{reuse}), {summary.Failed} failed");
        if (showRunError && summary.Error is not null)
        {
            output.WriteLine($"  {summary.Error}");
        }

        if (run.Connect)
        {
            ConnectPoints(run, output);
            return;
        }

        var width = Math.Max(12, run.ObjectiveMetric.Length);
        var ranked = run.Leaderboard.ToHashSet();
        // Ranked once the run ends: a point done before then is not yet on the leaderboard.
        var ended = summary.State is not (SweepRunState.Preparing or SweepRunState.Running);
        var unranked = run.Candidates.Where((c, position) => ended && !c.Baseline && c.State == CandidateState.Done && !ranked.Contains(position)).ToList();
        if (run.Leaderboard.Count > 0 || unranked.Count > 0)
        {
            output.WriteLine($"{"RANK",-5} {run.ObjectiveMetric.PadRight(width)} {"MERGE",-8} {"EVAL",-7} POINT");
        }

        void Row(string rank, SweepCandidateStatus candidate)
        {
            // outputs: {publish: best}: points scored in the merge job show "in-job"; those outside the best K were not written.
            var merge = candidate.Cached ? "reused" : Seconds(candidate.MergeSeconds);
            var evaluation = candidate.EvaluationCached ? "cached" : candidate.EvaluatedOn == "in-job" ? "in-job" : Seconds(candidate.EvaluationSeconds);
            output.WriteLine($"{rank,-5} {Number(candidate.Objective).PadRight(width)} {merge,-8} {evaluation,-7} {candidate.Label}{(candidate.Unpublished ? " (not published)" : "")}");
        }

        for (var rank = 0; rank < run.Leaderboard.Count; rank++)
        {
            Row((rank + 1).ToString(CultureInfo.InvariantCulture), run.Candidates[run.Leaderboard[rank]]);
        }

        // A point whose objective is not a number (the task cosine of a zero task vector) has no rank, but was evaluated.
        unranked.ForEach(candidate => Row("-", candidate));

        // Baselines are not ranked; they are listed under the ranked merges to compare against.
        foreach (var baseline in run.Candidates.Where(c => c.Baseline && c.State == CandidateState.Done))
        {
            output.WriteLine($"{"base",-5} {Number(baseline.Objective).PadRight(width)} {"-",-8} {(baseline.EvaluationCached ? "cached" : Seconds(baseline.EvaluationSeconds)),-7} {baseline.Label}");
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
            var width = Math.Max(12, run.ObjectiveMetric.Length);
            output.WriteLine($"{"RANK",-5} {run.ObjectiveMetric.PadRight(width)} {"EVAL",-7} {"POINT",-40} RESULT");
            for (var rank = 0; rank < run.Leaderboard.Count; rank++)
            {
                var candidate = run.Candidates[run.Leaderboard[rank]];
                output.WriteLine($"{rank + 1,-5} {Number(candidate.Objective).PadRight(width)} {Seconds(candidate.EvaluationSeconds),-7} {candidate.Label,-40} {candidate.MergeOutput}");
            }
        }

        foreach (var failed in run.Candidates.Where(c => c.State == CandidateState.Failed))
        {
            output.WriteLine($"failed  {failed.Label}: {failed.Error}");
        }
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "-";

    private static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private static string Seconds(double value) => value > 0 ? value.ToString("0.0s", CultureInfo.InvariantCulture) : "-";
}

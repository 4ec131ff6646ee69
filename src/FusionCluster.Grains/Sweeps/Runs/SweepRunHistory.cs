using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>
/// A new sweep's state from what an earlier sweep of the same id kept in its output (<see cref="ISweepOutput.ReadHistoryAsync"/>):
/// its finished runs, so numbering continues, <c>promote.keep_runs</c> counts them and their merges are kept; and the
/// promoted merge's key, so a best already in place is not copied again.
/// </summary>
public static class SweepRunHistory
{
    /// <param name="state">A sweep's new state; its runs, last run number and promoted key are set.</param>
    /// <returns>The records that could not be read (their numbers still count, so no run replaces them).</returns>
    public static IReadOnlyList<int> Restore(SweepOutputHistory history, SweepGrainState state)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(state);
        var unreadable = new List<int>();
        foreach (var (number, json) in history.Runs.OrderBy(r => r.Number))
        {
            if (Read(number, json) is { } run)
            {
                state.Runs.Add(run);
            }
            else
            {
                unreadable.Add(number);
            }

            state.LastRunNumber = Math.Max(state.LastRunNumber, number);
        }

        state.PromotedKey = history.BestInfoJson is { } info ? PromotedKey(info) : null;
        return unreadable;
    }

    /// <summary>A run from its record (<see cref="SweepRunRecord.Detail"/> as the driver writes it); null when it is no finished run's record.</summary>
    private static SweepRunRecord? Read(int number, string? json)
    {
        if (json is null)
        {
            return null;
        }

        SweepRunDetail? detail;
        try
        {
            detail = JsonSerializer.Deserialize<SweepRunDetail>(json, MetricsJson.Compact);
        }
        catch (JsonException)
        {
            return null;
        }

        if (detail?.Summary is not { } summary || summary.State is not (SweepRunState.Succeeded or SweepRunState.Failed or SweepRunState.Cancelled))
        {
            return null;
        }

        // The file's number: it is what pruning and the next run's number go by.
        return SweepRunRecord.FromDetail(number, detail);
    }

    private static string? PromotedKey(string infoJson)
    {
        try
        {
            return JsonNode.Parse(infoJson)?["cache_key"]?.GetValue<string>() is { } key && SweepOutputLayout.IsMergeKey(key) ? key : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

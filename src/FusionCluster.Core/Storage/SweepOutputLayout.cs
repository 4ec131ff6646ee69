using System.Globalization;
using System.Text.RegularExpressions;

namespace FusionCluster.Core.Storage;

/// <summary>
/// The names inside a sweep's output, the same in a folder and under a blob prefix:
/// <code>
/// merges/&lt;cache key&gt;/   one published merge per distinct spec and inputs (the cache)
/// runs/run-000001.json   each kept run: candidates, metrics, leaderboard
/// best/                  a copy of the promoted merge, with fusion-sweep.json saying which it is
/// evaluations/           evaluation results by content key (local folders only)
/// baselines/ensemble-&lt;rule&gt;/  the ensemble baselines' ensemble.json (local folders only)
/// connect/run-NNNNNN-point-III/  a connect sweep's published result of each point of each kept run
/// </code>
/// </summary>
public static partial class SweepOutputLayout
{
    public const string MergesFolder = "merges";
    public const string RunsFolder = "runs";
    public const string BestFolder = "best";
    public const string EvaluationsFolder = "evaluations";
    public const string BaselinesFolder = "baselines";
    public const string BestInfoFileName = "fusion-sweep.json";

    /// <summary>Where a connect sweep publishes each point's connect result (<see cref="ConnectResultName"/>).</summary>
    public const string ConnectFolder = "connect";

    /// <summary>The connect result of point <paramref name="point"/> of run <paramref name="run"/>: run-NNNNNN-point-III.</summary>
    public static string ConnectResultName(int run, int point) => string.Create(CultureInfo.InvariantCulture, $"run-{run:D6}-point-{point:D3}");

    /// <summary>The run number of a connect result's folder name (<see cref="ConnectResultName"/>), or null for any other name.</summary>
    public static int? ConnectRunNumber(string folderName) =>
        ConnectResultPattern().Match(folderName) is { Success: true } match && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    public static string RunFileName(int number) => string.Create(CultureInfo.InvariantCulture, $"run-{number:D6}.json");

    /// <summary>The run number of a run record's file name, or null for any other name.</summary>
    public static int? RunNumber(string fileName) =>
        RunFilePattern().Match(fileName) is { Success: true } match && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>True for a merge cache key (MergeCacheKey's hex form): only such folders are the sweep's to prune.</summary>
    public static bool IsMergeKey(string name) => KeyPattern().IsMatch(name);

    /// <exception cref="ArgumentException">The key is not a merge cache key (it would name a path of its own).</exception>
    public static string CheckKey(string key) =>
        IsMergeKey(key) ? key : throw new ArgumentException($"'{key}' is not a merge cache key", nameof(key));

    // MergeCacheKey.Length hex characters.
    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^run-([0-9]+)\\.json$")]
    private static partial Regex RunFilePattern();

    [GeneratedRegex("^run-([0-9]+)-point-[0-9]+$")]
    private static partial Regex ConnectResultPattern();
}

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

    /// <summary>At the root: which sweep the output is (<see cref="ClaimRefusal"/>).</summary>
    public const string OwnerFileName = "fusion-sweep-output.json";

    /// <summary>The most a run record or best/'s info may hold to be read back (<see cref="ISweepOutput.ReadHistoryAsync"/>).</summary>
    public const int MaxRecordBytes = 64 << 20;

    /// <summary>Where a connect sweep publishes each point's connect result (<see cref="ConnectResultName"/>).</summary>
    public const string ConnectFolder = "connect";

    /// <summary>The connect result of point <paramref name="point"/> of run <paramref name="run"/>: run-NNNNNN-point-III.</summary>
    public static string ConnectResultName(int run, int point) => string.Create(CultureInfo.InvariantCulture, $"run-{run:D6}-point-{point:D3}");

    /// <summary>The run number of a connect result's folder name (<see cref="ConnectResultName"/>), or null for any other name.</summary>
    public static int? ConnectRunNumber(string folderName) =>
        ConnectResultPattern().Match(folderName) is { Success: true } match && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>The owner file's contents for <paramref name="sweep"/>, named <paramref name="name"/> when it claimed the location.</summary>
    public static string OwnerJson(string sweep, string name) =>
        new System.Text.Json.Nodes.JsonObject { ["sweep"] = sweep, ["name"] = name }.ToJsonString() + "\n";

    /// <summary>Whether an owner file (of this sweep, once claimed) was written before names were recorded: the claim then writes it again, with the name.</summary>
    public static bool NamesNoName(string ownerJson) => OwnerField(ownerJson, "name") is null;

    /// <summary>
    /// The owner file's text in the folder <paramref name="root"/>, or null when there is none: a regular file of at most
    /// 4 KiB, as every small file a user could plant is read (never a FIFO or a link).
    /// </summary>
    /// <exception cref="StorageException">It is not a regular file, or larger; the message names it.</exception>
    public static string? ReadLocalOwner(string root)
    {
        var path = Path.Combine(root, OwnerFileName);
        return Path.Exists(path)
            ? System.Text.Encoding.UTF8.GetString(LocalFile.ReadAllBytes(path, "sweep output's owner file", 4096, size => new StorageException($"{path}: {size} bytes; a sweep's owner file holds a name")))
            : null;
    }

    /// <summary>
    /// Why a sweep named <paramref name="name"/>, whose id <paramref name="sweep"/> was made from that name, may not take an
    /// output whose owner file (<paramref name="ownerJson"/>) records another name under the same id, or null when it may:
    /// two names that differ only in case or punctuation ("My Sweep", "my-sweep") make the same id, and the second sweep
    /// would have pruned the first one's merges and runs as its own. Owner files written before names were recorded pass.
    /// </summary>
    public static string? NameClash(string root, string sweep, string name, string? ownerJson)
    {
        if (ownerJson is null || OwnerOf(ownerJson) != sweep)
        {
            return null;
        }

        var owner = OwnerField(ownerJson, "name");
        return owner is null || owner == name
            ? null
            : $"out: {root} holds the runs of sweep '{owner}', whose id '{sweep}' the name '{name}' makes too; give this sweep an out: of its own, or the name '{owner}' if it is the same sweep";
    }

    /// <summary>The sweep an owner file's contents (<see cref="OwnerJson"/>) name, or null when they name none.</summary>
    public static string? OwnerOf(string ownerJson) => OwnerField(ownerJson, "sweep");

    /// <summary>A string field of an owner file's contents, or null when it has none (or is not JSON, or the field no string).</summary>
    private static string? OwnerField(string ownerJson, string field)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(ownerJson)?[field]?.GetValue<string>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why <paramref name="sweep"/> may not use the output at <paramref name="root"/>, or null when it may: a sweep prunes
    /// merges and run records and replaces best/, so it takes only a new or empty location, one whose owner file names it,
    /// or an output of a version before owner files (nothing at its root but this layout's names, and a best/ that is a
    /// promoted merge). A user's folder, or another sweep's output, is refused: a sweep run there deleted their files.
    /// </summary>
    /// <param name="ownerJson">The owner file's contents, or null when there is none.</param>
    /// <param name="rootNames">The names of the files and folders directly at the root.</param>
    /// <param name="bestIsPromoted">False when best/ exists without <see cref="BestInfoFileName"/>.</param>
    public static string? ClaimRefusal(string root, string sweep, string? ownerJson, IReadOnlyCollection<string> rootNames, bool bestIsPromoted)
    {
        ArgumentNullException.ThrowIfNull(rootNames);
        const string why = "a sweep prunes and replaces what is in its output, so it needs a new or empty location of its own";
        if (ownerJson is not null)
        {
            var owner = OwnerOf(ownerJson);
            return owner is null ? $"out: {root}: its {OwnerFileName} names no sweep; {why}"
                : owner == sweep ? null
                : $"out: {root} is the output of sweep '{owner}'; {why}";
        }

        if (rootNames.Order(StringComparer.Ordinal).FirstOrDefault(name => !IsLayoutName(name)) is { } foreign)
        {
            return $"out: {root} holds '{foreign}', which is not part of a sweep's output; {why}";
        }

        return bestIsPromoted ? null : $"out: {root} holds a {BestFolder}/ without {BestInfoFileName}, which is not a promoted merge; {why}";
    }

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

    /// <summary>A name a sweep writes at its output's root (its staging of best/ and of its owner file included).</summary>
    private static bool IsLayoutName(string name) =>
        name is MergesFolder or RunsFolder or BestFolder or EvaluationsFolder or BaselinesFolder or ConnectFolder or ".best-staging" or ".best-previous"
            or "." + OwnerFileName + ".partial";

    // MergeCacheKey.Length hex characters.
    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^run-([0-9]+)\\.json$")]
    private static partial Regex RunFilePattern();

    [GeneratedRegex("^run-([0-9]+)-point-[0-9]+$")]
    private static partial Regex ConnectResultPattern();
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Ensembles;

/// <summary>
/// An ensemble: a folder holding <c>ensemble.json</c>, which names member checkpoint folders (relative to the
/// ensemble's folder, or absolute), their weights and the rule that combines their outputs:
/// <code>
/// {"format": "fusioncluster-ensemble", "version": 1, "rule": "mean-probs",
///  "members": [{"path": "../ft-fortunes", "weight": 1}, {"path": "../ft-python", "weight": 1}]}
/// </code>
/// Evaluators accept such a folder wherever they accept a model. Reading checks the structure (known keys,
/// a known rule, at least one member, finite non-negative weights with a positive sum) and that every member
/// is an existing folder that is not itself an ensemble; whether the members fit together (one tokenizer,
/// one set of classes) is the evaluating side's check. Every error names the file and the key or member.
/// </summary>
public sealed class EnsembleManifest
{
    public const string FileName = "ensemble.json";
    public const string FormatName = "fusioncluster-ensemble";
    public const int Version = 1;

    private const int MaxFileBytes = 1 << 20;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly string[] TopKeys = ["format", "version", "rule", "members"];
    private static readonly string[] MemberKeys = ["path", "weight"];

    private EnsembleManifest(string folder, EnsembleRule rule, IReadOnlyList<EnsembleMember> members, bool onDisk)
    {
        Folder = folder;
        Label = onDisk ? FilePath : $"the ensemble to be written to {FilePath}";
        Rule = rule;
        Members = members;
        var total = members.Sum(m => m.Weight);
        NormalizedWeights = members.Select(m => m.Weight / total).ToList();
    }

    /// <summary>The ensemble's folder, a full path.</summary>
    public string Folder { get; }

    public string FilePath => Path.Combine(Folder, FileName);

    /// <summary>
    /// What errors about this ensemble name: its ensemble.json once read or written; before that, the file it is made for,
    /// said to be unwritten (a member that does not fit is found before anything is written).
    /// </summary>
    public string Label { get; private set; }

    public EnsembleRule Rule { get; }

    public IReadOnlyList<EnsembleMember> Members { get; }

    /// <summary>The members' weights divided by their sum.</summary>
    public IReadOnlyList<double> NormalizedWeights { get; }

    /// <summary>True when <paramref name="folder"/> holds an ensemble.json.</summary>
    public static bool IsEnsemble(string folder) => File.Exists(Path.Combine(Path.GetFullPath(folder), FileName));

    /// <summary>
    /// A new ensemble of <paramref name="memberFolders"/> to be written into <paramref name="folder"/>; members
    /// are recorded relative to it (absolute when on another root). Weights default to 1 each.
    /// </summary>
    public static EnsembleManifest Create(string folder, IReadOnlyList<string> memberFolders, IReadOnlyList<double>? weights, EnsembleRule rule)
    {
        ArgumentNullException.ThrowIfNull(memberFolders);
        var full = Path.GetFullPath(folder);
        if (memberFolders.Count == 0)
        {
            throw new EvaluationException("an ensemble needs at least one member model");
        }

        if (weights is not null && weights.Count != memberFolders.Count)
        {
            throw new EvaluationException($"--weights: {weights.Count} weight(s) for {memberFolders.Count} member(s)");
        }

        var members = new List<EnsembleMember>();
        for (var i = 0; i < memberFolders.Count; i++)
        {
            var memberFull = Path.GetFullPath(memberFolders[i]);
            var written = Path.GetRelativePath(full, memberFull);
            members.Add(CheckMember(new EnsembleMember(written, memberFull, weights?[i] ?? 1), i, "--weights", full));
        }

        CheckWeightSum(members, "--weights");
        return new EnsembleManifest(full, rule, members, onDisk: false);
    }

    /// <summary>Reads and checks <c>ensemble.json</c> in <paramref name="folder"/>.</summary>
    public static EnsembleManifest Read(string folder)
    {
        var full = Path.GetFullPath(folder);
        var path = Path.Combine(full, FileName);
        if (!File.Exists(path))
        {
            throw new EvaluationException($"{path}: missing (an ensemble folder holds ensemble.json; fusion ensemble writes one)");
        }

        JsonObject json;
        try
        {
            // A duplicate key is refused while parsing: read lazily, it surfaced later as .NET's "An item with the same key".
            json = JsonNode.Parse(ReadRegular(path), documentOptions: new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false }) as JsonObject
                ?? throw new EvaluationException($"{path}: must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new EvaluationException($"{path}: not valid JSON: {e.Message}", e);
        }

        RejectUnknownKeys(json, TopKeys, path, "");
        if (json["format"] is not JsonValue format || !format.TryGetValue<string>(out var formatName) || formatName != FormatName)
        {
            throw new EvaluationException($"{path}: 'format' must be \"{FormatName}\"");
        }

        if (json["version"] is not JsonValue version || !version.TryGetValue<int>(out var versionNumber) || versionNumber != Version)
        {
            throw new EvaluationException($"{path}: 'version' must be {Version}");
        }

        var ruleName = json["rule"] is JsonValue ruleValue && ruleValue.TryGetValue<string>(out var r) ? r : null;
        if (!EnsembleRules.TryParse(ruleName, out var rule))
        {
            throw new EvaluationException($"{path}: 'rule' must be {EnsembleRules.MeanProbs}, {EnsembleRules.MeanLogits} or {EnsembleRules.Vote}, not {json["rule"]?.ToJsonString() ?? "missing"}");
        }

        if (json["members"] is not JsonArray array || array.Count == 0)
        {
            throw new EvaluationException($"{path}: 'members' must be a non-empty list");
        }

        var members = new List<EnsembleMember>();
        for (var i = 0; i < array.Count; i++)
        {
            var where = $"{path}: members[{i}]";
            if (array[i] is not JsonObject entry)
            {
                throw new EvaluationException($"{where} must be an object with 'path' and 'weight'");
            }

            RejectUnknownKeys(entry, MemberKeys, path, $"members[{i}].");
            if (entry["path"] is not JsonValue pathValue || !pathValue.TryGetValue<string>(out var memberPath) || string.IsNullOrWhiteSpace(memberPath))
            {
                throw new EvaluationException($"{where}.path must be a non-empty string");
            }

            var weight = 1.0;
            if (entry["weight"] is { } weightNode && (weightNode is not JsonValue weightValue || !weightValue.TryGetValue(out weight)))
            {
                throw new EvaluationException($"{where}.weight must be a number, not {weightNode.ToJsonString()}");
            }

            members.Add(CheckMember(new EnsembleMember(memberPath, Path.GetFullPath(memberPath, full), weight), i, where + ".weight", full, path));
        }

        CheckWeightSum(members, $"{path}: members' weights");
        return new EnsembleManifest(full, rule, members, onDisk: true);
    }

    /// <summary>
    /// The manifest's bytes, read only as a regular file (links followed, as elsewhere for model files): a FIFO named
    /// ensemble.json would block the reader forever, a link to /dev/zero never end.
    /// </summary>
    private static byte[] ReadRegular(string path)
    {
        try
        {
            return LocalFile.ReadAllBytes(LocalPath.Resolve(path), "ensemble manifest", MaxFileBytes, length =>
                new EvaluationException($"{path}: {length} bytes, larger than {MaxFileBytes} bytes"));
        }
        catch (StorageException e)
        {
            throw new EvaluationException($"{path}: {e.Message}", e);
        }
    }

    public JsonObject ToJson() => new()
    {
        ["format"] = FormatName,
        ["version"] = Version,
        ["rule"] = EnsembleRules.Name(Rule),
        ["members"] = new JsonArray(Members.Select(m => (JsonNode)new JsonObject { ["path"] = m.Path, ["weight"] = m.Weight }).ToArray()),
    };

    /// <summary>Writes ensemble.json into <see cref="Folder"/> (created if needed), through a temporary file so no partial file is ever seen.</summary>
    public void Write()
    {
        Directory.CreateDirectory(Folder);
        var temporary = Path.Combine(Folder, $".{FileName}.{Guid.NewGuid():n}.tmp");
        try
        {
            File.WriteAllText(temporary, ToJson().ToJsonString(Indented) + "\n");
            File.Move(temporary, FilePath, overwrite: true);
            Label = FilePath;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A short description: rule and members with their normalised weights.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{EnsembleRules.Name(Rule)} of {string.Join(", ", Members.Select((m, i) => $"{m.Path} ({NormalizedWeights[i]:0.###})"))}");

    private static EnsembleMember CheckMember(EnsembleMember member, int index, string weightKey, string ensembleFolder, string? file = null)
    {
        var where = file is null ? $"member {index + 1} '{member.Path}'" : $"{file}: members[{index}] '{member.Path}'";
        if (!double.IsFinite(member.Weight) || member.Weight < 0)
        {
            throw new EvaluationException(string.Create(CultureInfo.InvariantCulture, $"{weightKey}: weight {member.Weight} of {(file is null ? where : $"'{member.Path}'")} must be a finite number >= 0"));
        }

        if (!Directory.Exists(member.Folder))
        {
            throw new EvaluationException($"{where}: no such model folder ({member.Folder})");
        }

        if (string.Equals(Path.TrimEndingDirectorySeparator(member.Folder), Path.TrimEndingDirectorySeparator(ensembleFolder), StringComparison.Ordinal)
            || File.Exists(Path.Combine(member.Folder, FileName)))
        {
            throw new EvaluationException($"{where}: is an ensemble itself; members must be models (list the inner ensemble's members instead)");
        }

        return member;
    }

    private static void CheckWeightSum(IReadOnlyList<EnsembleMember> members, string what)
    {
        var sum = members.Sum(m => m.Weight);
        if (!(sum > 0))
        {
            throw new EvaluationException($"{what}: the weights sum to 0; at least one must be positive");
        }

        // Each weight is finite, their sum need not be (1e308 twice): every normalised weight would then be 0.
        if (!double.IsFinite(sum))
        {
            throw new EvaluationException($"{what}: the weights sum to more than a double holds; scale them down (only their ratios count)");
        }
    }

    private static void RejectUnknownKeys(JsonObject json, string[] known, string path, string prefix)
    {
        foreach (var (key, _) in json)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                throw new EvaluationException($"{path}: unknown key '{prefix}{key}' (expected {string.Join(", ", known)})");
            }
        }
    }
}

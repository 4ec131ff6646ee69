using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Grains.Sweeps;

/// <summary>The sweep's record of edits to its definition: which sections of sweep.yaml an edit changed, and the kept history.</summary>
public static class SweepRevisions
{
    /// <summary>Edits kept in the sweep's state; older ones are dropped.</summary>
    public const int Kept = 20;

    /// <summary>
    /// The top-level keys of sweep.yaml whose value differs between the two texts (in the new text's order,
    /// then keys removed), compared by value (<see cref="SweepYaml.Canonical"/>): re-indenting, comments, quoting, number
    /// spelling and the order of a mapping's keys are no change. Both texts have parsed as sweeps already.
    /// </summary>
    public static IReadOnlyList<string> ChangedSections(string before, string after)
    {
        var old = TopLevel(before);
        var now = TopLevel(after);
        return [
            .. now.Where(entry => !old.TryGetValue(entry.Key, out var value) || value != entry.Value).Select(entry => entry.Key),
            .. old.Keys.Where(key => !now.ContainsKey(key)),
        ];
    }

    /// <summary>Appends <paramref name="revision"/>, keeping the newest <see cref="Kept"/>.</summary>
    public static void Record(List<SweepRevision> revisions, SweepRevision revision)
    {
        revisions.Add(revision);
        if (revisions.Count > Kept)
        {
            revisions.RemoveRange(0, revisions.Count - Kept);
        }
    }

    private static Dictionary<string, string> TopLevel(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            foreach (var (key, value) in root.Children)
            {
                entries[key.ToString()] = SweepYaml.Canonical(value);
            }
        }

        return entries;
    }
}

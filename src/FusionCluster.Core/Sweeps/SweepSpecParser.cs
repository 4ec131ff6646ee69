using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// Parses sweep.yaml into a validated <see cref="SweepSpec"/>. Every error is a <see cref="SpecException"/>
/// naming the file, the line and the key (for example <c>sweep.yaml line 12: space[1].grid: ...</c>), and every
/// point of the space is instantiated and validated as a merge spec, so a sweep that parses only makes valid merges.
/// </summary>
public static class SweepSpecParser
{
    /// <summary>Points a sweep may have; beyond this a space is more likely a mistake than a plan.</summary>
    public const int MaxPoints = 1000;

    /// <param name="yaml">The sweep's YAML text.</param>
    /// <param name="sourceName">Name for messages, normally the file name.</param>
    /// <param name="directory">Folder that relative paths (template file, models, dataset, out) start from.</param>
    /// <param name="roots">
    /// The data roots of the process reading the sweep: a template file must resolve inside them (and is read only if it
    /// is a regular file, roots or not).
    /// </param>
    public static SweepSpec Parse(string yaml, string sourceName, string directory, LocalRoots roots)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(roots);
        return new SweepSpecReader(sourceName, Path.GetFullPath(directory), roots).Read(yaml);
    }

    /// <summary>Parses with no data roots: a template file may be anywhere, but must still be a regular file.</summary>
    public static SweepSpec Parse(string yaml, string sourceName, string directory) => Parse(yaml, sourceName, directory, LocalRoots.Anywhere);

    /// <summary>
    /// Reads and parses a sweep file the user named: the file and its template must lie inside <paramref name="roots"/>.
    /// Returns the text it read too, so whoever runs the sweep runs the text that was checked, not a second read of the file.
    /// </summary>
    public static (SweepSpec Spec, string Text) ReadFile(string path, LocalRoots roots)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var text = SpecYaml.ReadText(full, "sweep file", roots);
        return (Parse(text, Path.GetFileName(full), Path.GetDirectoryName(full)!, roots), text);
    }
}

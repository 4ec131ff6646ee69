using FusionCluster.Core.Specs.Yaml;

namespace FusionCluster.Core.Specs;

/// <summary>
/// Parses mergekit's YAML merge config (examples from mergekit run unchanged) into a normalised, validated
/// <see cref="MergeSpec"/>. Every error is a <see cref="SpecException"/> whose message names the source,
/// the line, and the key path (for example <c>models[1].parameters.weight</c>).
/// </summary>
public static class MergeSpecParser
{
    /// <summary>The keys a spec may have at its top level (the dashboard's editor completes them).</summary>
    public static IReadOnlyList<string> TopLevelKeys => MergeSpecReader.TopLevelKeyNames;

    /// <summary>The keys an entry of <c>models</c> may have.</summary>
    public static IReadOnlyList<string> ModelEntryKeys => MergeSpecReader.ModelEntryKeyNames;

    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Name used in error messages, normally the spec file's name.</param>
    /// <param name="parameterNames">
    /// Whether a parameter the method does not take is refused here, at its line (the planner refuses it anyway): false
    /// for a sweep's points, where one that only some points' methods take fails those points alone.
    /// </param>
    public static MergeSpec Parse(string yaml, string sourceName = "spec", bool parameterNames = true)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var spec = new MergeSpecReader(sourceName, parameterNames).Read(yaml);
        SpecValidator.Validate(spec);
        return spec;
    }

    /// <summary>Parses a spec file; <see cref="MergeSpec.SpecDirectory"/> is set to the file's folder so relative model paths resolve against it.</summary>
    public static MergeSpec ParseFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = SpecYaml.ReadText(path, "spec file");
        var spec = Parse(text, path);
        return spec with { SpecDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) };
    }
}

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Specs.Yaml;

/// <summary>
/// Parses the YAML of a merge or sweep spec within <see cref="SpecLimits"/>, reporting malformed or oversized
/// YAML as a <see cref="SpecException"/> that names the source, the line and the limit. Every YAML file a silo
/// reads goes through it (merge and sweep specs, templates, permutation specs).
/// </summary>
public static class SpecYaml
{
    public static YamlStream Load(string yaml, string sourceName)
    {
        if (yaml.Length > SpecLimits.MaxCharacters)
        {
            throw new SpecException($"{sourceName}: the spec is {yaml.Length} characters long; the limit is {SpecLimits.MaxCharacters} ({SpecLimits.MaxCharacters / 1024} Ki)");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new BoundedYamlParser(new Parser(new StringReader(yaml)), sourceName, SpecLimits.MaxDepth, SpecLimits.MaxExpandedNodes));
        }
        catch (YamlException e)
        {
            // YamlDotNet wraps some errors (duplicate keys among them) around a more precise inner one.
            var inner = e.InnerException as YamlException ?? e;
            throw new SpecException($"{sourceName} line {inner.Start.Line}: malformed YAML: {inner.Message}");
        }

        return stream;
    }

    /// <summary>Reads a spec file's text, refusing one longer than a spec may be before reading it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file should be, for messages ("spec file", "sweep file").</param>
    public static string ReadText(string path, string what)
    {
        try
        {
            var length = new FileInfo(path).Length;

            // UTF-8 takes at most four bytes a character; the exact count is checked on the text.
            if (length > SpecLimits.MaxCharacters * 4L)
            {
                throw new SpecException($"{path}: the {what} is {length} bytes long; a spec may have at most {SpecLimits.MaxCharacters} characters");
            }

            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{path}: cannot read the {what}: {e.Message}");
        }
    }
}

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Specs;

/// <summary>Parses the YAML of a merge or sweep spec, reporting malformed YAML as a <see cref="SpecException"/> with its line.</summary>
internal static class SpecYaml
{
    public static YamlStream Load(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            // YamlDotNet wraps some errors (duplicate keys among them) around a more precise inner one.
            var inner = e.InnerException as YamlException ?? e;
            throw new SpecException($"{sourceName} line {inner.Start.Line}: malformed YAML: {inner.Message}");
        }

        return stream;
    }
}

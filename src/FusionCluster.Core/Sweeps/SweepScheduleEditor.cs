using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// Rewrites the schedule of a sweep.yaml, leaving every other key as it was. The result is YAML
/// re-emitted from its parse tree, so comments do not survive; the caller parses it again to validate.
/// </summary>
public static class SweepScheduleEditor
{
    /// <param name="sweepYaml">The sweep's current text.</param>
    /// <param name="cron">A cron expression, or null for no schedule.</param>
    /// <param name="timeZone">An IANA or Windows time zone id; null for UTC.</param>
    /// <param name="overlap">What a fire does while a run is going.</param>
    public static string WithSchedule(string sweepYaml, string? cron, string? timeZone, OverlapPolicy overlap)
    {
        YamlStream stream;
        try
        {
            stream = SpecYaml.Load(sweepYaml, "the sweep");
        }
        catch (SpecException e)
        {
            throw new FormatException(e.Message, e);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException("the sweep's text is not one YAML mapping");
        }

        YamlNode schedule;
        if (string.IsNullOrWhiteSpace(cron))
        {
            schedule = new YamlScalarNode("none");
        }
        else
        {
            var map = new YamlMappingNode { { "cron", new YamlScalarNode(cron.Trim()) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted } } };
            if (!string.IsNullOrWhiteSpace(timeZone))
            {
                map.Add("time_zone", timeZone.Trim());
            }

            map.Add("overlap", overlap == OverlapPolicy.Queue ? "queue" : "skip");
            schedule = map;
        }

        root.Children[new YamlScalarNode("schedule")] = schedule;
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}

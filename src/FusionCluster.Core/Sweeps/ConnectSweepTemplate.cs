using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// The <c>connect:</c> section of a <c>kind: connect</c> sweep: the options of <c>fusion connect</c> as keys. A point
/// sets paths under <c>connect.</c> (<c>connect.align</c>, <c>connect.repair</c>); each point's section is read and
/// checked here, so a bad key or value is an error naming it.
/// </summary>
public sealed class ConnectSweepTemplate
{
    /// <summary>Alignment methods of classifiers; language models take all but zipit.</summary>
    public static readonly string[] AlignMethods = ["none", "weight_matching", "activation_matching", "zipit"];

    /// <summary>The keys of the connect: section.</summary>
    public static readonly string[] Keys = ["a", "b", "dataset", "text", "align", "repair", "points", "curve", "split", "max_samples", "statistics_samples", "seed", "context", "iterations", "zip_layers", "bezier_epochs", "bezier_lr", "match_text"];

    private readonly YamlMappingNode section;
    private readonly SweepFolder folder;

    internal ConnectSweepTemplate(YamlMappingNode section, SweepFolder folder, string sourceName)
    {
        this.section = (YamlMappingNode)SpecPath.Copy(section);
        this.folder = folder;
        SourceName = sourceName;
    }

    /// <summary>Where relative model, dataset and text paths start: the sweep file's folder.</summary>
    public string Directory => folder.Directory;

    public string SourceName { get; }

    /// <summary>The connect options of one point.</summary>
    /// <exception cref="SpecException">The point sets a path outside <c>connect.</c>, or its section is invalid; the message names the point and key.</exception>
    public ConnectSweepPoint Instantiate(SweepPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var root = new YamlMappingNode { { "connect", SpecPath.Copy(section) } };
        foreach (var assignment in point.Assignments)
        {
            if (assignment.Path.Segments[0].Key != "connect" || assignment.Path.Segments.Count != 2)
            {
                throw new SpecException($"{SourceName}: point {point.Index} ({point.Label}): '{assignment.Path}': a connect sweep varies keys of its connect: section (connect.align, connect.repair, ...)");
            }

            try
            {
                assignment.Path.Set(root, assignment.Value);
            }
            catch (FormatException e)
            {
                throw new SpecException($"{SourceName}: point {point.Index} ({point.Label}): {e.Message}");
            }
        }

        return Read(root["connect"], new YamlNodeReader($"{SourceName}: point {point.Index} ({point.Label})", withLines: false));
    }

    private ConnectSweepPoint Read(YamlNode node, YamlNodeReader yaml)
    {
        var map = yaml.ReadMapping(node, "connect", Keys, "the connect section");
        string Path(string key, bool required)
        {
            if (!map.TryGetValue(key, out var value) || IsNull(value))
            {
                return required ? throw yaml.Error(node, $"connect.{key}", "is required") : "";
            }

            var text = yaml.RequireString(value, $"connect.{key}");
            return text.Contains("://", StringComparison.Ordinal)
                ? throw yaml.Error(value, $"connect.{key}", $"'{text}': a connect sweep reads local files and folders (shared by the silos)")
                : folder.Resolve(text);
        }

        string Choice(string key, string fallback, IReadOnlyList<string> allowed)
        {
            if (!map.TryGetValue(key, out var value))
            {
                return fallback;
            }

            var text = yaml.RequireString(value, $"connect.{key}");
            return allowed.Contains(text, StringComparer.Ordinal) ? text : throw yaml.Error(value, $"connect.{key}", $"'{text}': expected {string.Join(", ", allowed)}");
        }

        double PositiveNumber(YamlNode value, string path)
        {
            var number = yaml.ReadNumber(value, path, "expected a positive number");
            return number > 0 && double.IsFinite(number) ? number : throw yaml.Error(value, path, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{number}: expected a positive number"));
        }

        int? OptionalInt(string key, int min, int max) => map.TryGetValue(key, out var value) && !IsNull(value) ? yaml.ReadInt(value, $"connect.{key}", min, max) : null;

        var dataset = Path("dataset", required: false);
        var text = Path("text", required: false);
        if ((dataset.Length == 0) == (text.Length == 0))
        {
            throw yaml.Error(node, "connect", "give dataset (classifiers) or text (language models), one of them");
        }

        var point = new ConnectSweepPoint
        {
            A = Path("a", required: true),
            B = Path("b", required: true),
            Dataset = dataset.Length > 0 ? dataset : null,
            Text = text.Length > 0 ? text : null,
            Align = Choice("align", "none", text.Length > 0 ? AlignMethods[..3] : AlignMethods),
            Repair = map.TryGetValue("repair", out var repair) && yaml.ReadBool(repair, "connect.repair"),
            Points = OptionalInt("points", 2, 10_000) ?? 11,
            Curve = Choice("curve", "linear", ["linear", "bezier"]),
            Split = Choice("split", "held-out", ["held-out", "train"]),
            MaxSamples = OptionalInt("max_samples", 1, int.MaxValue),
            StatisticsSamples = OptionalInt("statistics_samples", 1, int.MaxValue) ?? 2000,
            Seed = map.TryGetValue("seed", out var seed) ? yaml.ReadSeed(seed, "connect.seed") : 0UL,
            Context = OptionalInt("context", 1, int.MaxValue),
            Iterations = OptionalInt("iterations", 1, 100_000) ?? 100,
            ZipLayers = OptionalInt("zip_layers", 0, 10_000),
            BezierEpochs = OptionalInt("bezier_epochs", 1, 100_000) ?? 5,
            BezierLearningRate = map.TryGetValue("bezier_lr", out var rate) ? PositiveNumber(rate, "connect.bezier_lr") : 0.01,
            MatchText = Path("match_text", required: false) is { Length: > 0 } matchText ? matchText : null,
        };

        // An option the point's path does not use is a mistake to name, not a setting to drop silently.
        if (map.TryGetValue("zip_layers", out var zipLayers) && point.Align != "zipit")
        {
            throw yaml.Error(zipLayers, "connect.zip_layers", $"is for align: zipit, and this point aligns with {point.Align}");
        }

        foreach (var key in new[] { "bezier_epochs", "bezier_lr" })
        {
            if (map.TryGetValue(key, out var value) && point.Curve != "bezier")
            {
                throw yaml.Error(value, $"connect.{key}", "is for curve: bezier, and this point's curve is linear");
            }
        }

        if (map.TryGetValue("match_text", out var match) && point.Align != "activation_matching")
        {
            throw yaml.Error(match, "connect.match_text", $"is for align: activation_matching of language models, and this point aligns with {point.Align}");
        }
        if (point.Text is not null)
        {
            foreach (var (key, isSet) in new[] { ("repair", point.Repair), ("curve", point.Curve != "linear"), ("split", map.ContainsKey("split")), ("max_samples", point.MaxSamples is not null), ("zip_layers", map.ContainsKey("zip_layers")) })
            {
                if (isSet)
                {
                    throw yaml.Error(map[key], $"connect.{key}", "language models (text) take the linear path on the whole text: repair, curve, split, max_samples and zip_layers are for classifiers (dataset)");
                }
            }
        }
        else
        {
            foreach (var key in new[] { "context", "iterations", "match_text" })
            {
                if (map.TryGetValue(key, out var value))
                {
                    throw yaml.Error(value, $"connect.{key}", "is for language models (text)");
                }
            }
        }

        return point;
    }
}

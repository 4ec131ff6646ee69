using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// Whether <c>fusion synth</c> (and <c>demo</c> and <c>bench</c>, which synthesize their inputs) may write into a folder:
/// it writes base/, ft-N/ and example specs, replacing whatever has those names, so a folder holding any of them must
/// be one synth wrote (its <see cref="MarkerFileName"/>, or, written before the marker existed, a base/ whose config.json
/// is the one synth writes for this size). A user's ties.yaml or base/model.safetensors was silently replaced before.
/// </summary>
public static class SynthFolder
{
    /// <summary>Written last, once every model and spec is in place.</summary>
    public const string MarkerFileName = "fusion-synth.json";

    /// <summary>Why synth may not write into <paramref name="root"/>, or null when it may.</summary>
    public static string? Refusal(string root, SyntheticModelShape shape, DType dtype, int fineTunes)
    {
        if (File.Exists(root) || LocalPath.IsLink(root) && !Directory.Exists(root))
        {
            return $"{root} is a file, not a folder";
        }

        if (!Directory.Exists(root) || IsOurs(root, shape, dtype))
        {
            return null;
        }

        var taken = Targets(fineTunes).Where(name => Path.Exists(Path.Combine(root, name)) || LocalPath.IsLink(Path.Combine(root, name))).ToList();
        return taken.Count == 0
            ? null
            : $"{root} holds {string.Join(", ", taken.Take(5))}{(taken.Count > 5 ? $" and {taken.Count - 5} more" : "")}, which fusion synth did not write; it would replace {(taken.Count == 1 ? "it" : "them")}. Choose another folder";
    }

    /// <summary>True when synth wrote <paramref name="root"/>: a rerun there replaces only its own files.</summary>
    public static bool IsOurs(string root, SyntheticModelShape shape, DType dtype)
    {
        if (LocalFile.IsRegularFile(Path.Combine(root, MarkerFileName)))
        {
            return true;
        }

        var config = Path.Combine(root, "base", "config.json");
        return LocalFile.IsRegularFile(config) && new FileInfo(config).Length < 64 * 1024 && File.ReadAllText(config) == SyntheticCheckpoint.ConfigJson(shape, dtype);
    }

    /// <summary>Marks <paramref name="root"/> as synth's, once everything is written.</summary>
    public static void Mark(string root, SyntheticModelShape shape, DType dtype, int fineTunes, double deltaScale) =>
        WholeFile.Write(Path.Combine(root, MarkerFileName), System.Text.Encoding.UTF8.GetBytes(
            $$"""{"written_by": "fusion synth", "layers": {{shape.Layers}}, "hidden": {{shape.Hidden}}, "dtype": "{{dtype}}", "fine_tunes": {{fineTunes}}, "delta_scale": {{deltaScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}}""" + "\n"));

    private static IEnumerable<string> Targets(int fineTunes) =>
        new[] { "base" }.Concat(Enumerable.Range(1, fineTunes).Select(i => $"ft-{i}")).Concat(ExampleSpecs.For(fineTunes).Select(e => $"{e.Name}.yaml"));
}

namespace FusionCluster.Core.Specs.Yaml;

/// <summary>
/// Bounds on a spec's YAML (merge specs, sweep specs, templates). Specs are small hand-written files; the
/// bounds sit far above any real one and keep a hostile spec from exhausting a silo's stack or memory,
/// since the same parser runs inside job and sweep grains.
/// </summary>
public static class SpecLimits
{
    /// <summary>Longest spec text, in characters (512 Ki). The dashboard's editor accepts the same.</summary>
    public const int MaxCharacters = 512 * 1024;

    /// <summary>Deepest nesting of mappings and lists (a mergekit spec needs about ten levels).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes a spec may stand for once its aliases (*name) are expanded, as the readers walk them.</summary>
    public const int MaxExpandedNodes = 1_000_000;
}

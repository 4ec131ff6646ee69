namespace FusionCluster.Core.Specs.Yaml;

/// <summary>A mapping or list that <see cref="BoundedYamlParser"/> is inside of.</summary>
internal sealed class OpenCollection(string? anchor, long nodesBefore, int level)
{
    /// <summary>Its anchor (&amp;name), if any.</summary>
    public string? Anchor { get; } = anchor;

    /// <summary>Expanded nodes counted before it started.</summary>
    public long NodesBefore { get; } = nodesBefore;

    /// <summary>Its nesting level, 1 for the document's root collection.</summary>
    public int Level { get; } = level;

    /// <summary>The deepest level reached inside it so far, aliases expanded.</summary>
    public int DeepestLevel { get; set; } = level;
}

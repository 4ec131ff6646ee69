namespace FusionCluster.Core.Sweeps;

/// <summary>One step of a <see cref="SpecPath"/>: a mapping key, optionally followed by a list index or [*] (every element).</summary>
public sealed record SpecPathSegment(string Key, int? Index, bool AllElements)
{
    public override string ToString() => AllElements ? $"{Key}[*]" : Index is { } i ? $"{Key}[{i}]" : Key;
}

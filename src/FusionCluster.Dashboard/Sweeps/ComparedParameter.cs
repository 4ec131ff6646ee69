namespace FusionCluster.Dashboard.Sweeps;

/// <summary>The values one swept parameter takes in each of two runs (empty where a run does not sweep it).</summary>
public sealed record ComparedParameter(string Path, IReadOnlyList<string> First, IReadOnlyList<string> Second)
{
    public bool Differs => !First.SequenceEqual(Second, StringComparer.Ordinal);
}

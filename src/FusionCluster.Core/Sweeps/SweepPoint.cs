namespace FusionCluster.Core.Sweeps;

/// <summary>One point of a sweep's parameter space: the template with these values set is one merge.</summary>
public sealed record SweepPoint(int Index, IReadOnlyList<ParameterAssignment> Assignments)
{
    /// <summary>"models[*].parameters.weight=0.5 merge_method=ties", or "template" for a point that changes nothing.</summary>
    public string Label => Assignments.Count == 0 ? "template" : string.Join(" ", Assignments.Select(a => a.ToString()));
}

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>The small result (a permutation, coefficients) one unit of an earlier phase produced, handed to later units.</summary>
public sealed record PhaseOutput(string Phase, int Unit, string Result);

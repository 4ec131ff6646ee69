namespace FusionCluster.Core.Execution;

/// <summary>What running one unit did, for progress and the merge report.</summary>
public sealed record UnitResult(int Unit, long InputBytes, long OutputBytes, double Seconds, IReadOnlyList<string> Warnings);

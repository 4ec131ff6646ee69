using FusionCluster.Alignment.Assignment;

namespace FusionCluster.Alignment.Matching;

/// <param name="Iterations">At most this many sweeps over all groups.</param>
/// <param name="Seed">Seeds the order groups are visited in each sweep.</param>
/// <param name="Solver">The linear assignment solver; LAPJV when null.</param>
/// <param name="Log">Receives one line per group visit, for progress output.</param>
public sealed record WeightMatchingOptions(int Iterations = 100, int Seed = 0, ILinearAssignmentSolver? Solver = null, Action<string>? Log = null);

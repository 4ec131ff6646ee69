namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// The objective against one swept parameter: each value the parameter takes (in numeric order when every
/// value is a number, else as text), with the best and the mean objective of the candidates that set it.
/// </summary>
public sealed record ParameterChart(string Parameter, IReadOnlyList<string> Values, double[] Best, double[] Mean);

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// The objective against one swept parameter: each value the parameter takes (in numeric order when every
/// value is a number, else as text), with the best and the mean objective of the candidates that set it.
/// </summary>
/// <param name="Series">Every evaluated candidate as a point (value, objective), one series per merge method.</param>
/// <param name="Categories">The values in axis order when they are not numbers (X is then the index); null for a numeric axis.</param>
/// <param name="Connect">True where each series has one point per value of a grid (the other parameters fixed): its points are joined; false for a scatter.</param>
public sealed record ParameterChart(string Parameter, IReadOnlyList<string> Values, double[] Best, double[] Mean,
    IReadOnlyList<Charts.ChartSeriesData> Series, IReadOnlyList<string>? Categories, bool Connect);

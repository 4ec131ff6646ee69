namespace FusionCluster.Core.Planning;

/// <summary>
/// A job's statistics phase, planned for a data-aware merge method (regmean, fisher): one unit per model computes
/// <see cref="Kind"/> on the first <see cref="Samples"/> training samples of its dataset, and the merge units read
/// every model's result.
/// </summary>
/// <param name="Kind">One of <see cref="Methods.StatisticsKinds"/>.</param>
/// <param name="Models">The models, in spec order; each is one unit.</param>
/// <param name="Datasets">Per model, its dataset file resolved against the spec's folder.</param>
public sealed record StatisticsPlan(string Kind, IReadOnlyList<string> Models, IReadOnlyDictionary<string, string> Datasets, int Samples);

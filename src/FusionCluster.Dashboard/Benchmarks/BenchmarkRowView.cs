namespace FusionCluster.Dashboard.Benchmarks;

/// <summary>One row of a published benchmark: a merge method or a reference, with its accuracy per task.</summary>
/// <param name="Kind">reference, ensemble, merge, data-aware or unavailable, as the benchmark writes it.</param>
/// <param name="Accuracy">Per task in the result's task order; null when the method was not available.</param>
/// <param name="Normalized">Mean over tasks of accuracy / the individual fine-tune's (FusionBench's normalised accuracy).</param>
/// <param name="StatisticsSeconds">A data-aware merge job's statistics phase, on <paramref name="StatisticsSilos"/> silos.</param>
public sealed record BenchmarkRowView(
    string Name,
    string Kind,
    IReadOnlyList<double>? Accuracy,
    double? Average,
    double? Normalized,
    double? Seconds,
    double? StatisticsSeconds,
    int? StatisticsSilos,
    string Note)
{
    /// <summary>The pre-trained model, the individual fine-tunes, the jointly trained model and the ensemble: what merges are judged against.</summary>
    public bool IsReference => Kind is "reference" or "ensemble";
}

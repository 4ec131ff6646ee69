namespace FusionCluster.Evaluation.MultiTask;

/// <summary>One line of the benchmark table.</summary>
/// <param name="Name">The method or reference (pretrained, individual, multitask, ensemble).</param>
/// <param name="Kind">reference, ensemble, merge (through the merge path), data-aware, or unavailable.</param>
/// <param name="Accuracy">Held-out accuracy per task, in suite order; null when the method is not available.</param>
/// <param name="Seconds">Time to produce the model: training or the merge job, statistics phase included (as first computed; a cached row keeps it).</param>
/// <param name="StatisticsSeconds">Of which the job's statistics phase (Gram matrices, Fishers, AdaMerging's coefficients), for data-aware methods.</param>
/// <param name="Note">Why a method is not available, or how it ran.</param>
public sealed record MultiTaskRow(string Name, string Kind, IReadOnlyList<double>? Accuracy, double Seconds, double StatisticsSeconds, string Note)
{
    public double? Average => Accuracy is null ? null : Accuracy.Average();

    /// <summary>Mean over tasks of accuracy / the individual fine-tune's accuracy on that task (FusionBench's normalised accuracy).</summary>
    public double? Normalized(IReadOnlyList<double> individual) =>
        Accuracy is null ? null : Accuracy.Select((a, t) => a / individual[t]).Average();

    /// <summary>The silos the statistics phase's units ran on (data-aware rows).</summary>
    public int StatisticsSilos { get; init; }
}

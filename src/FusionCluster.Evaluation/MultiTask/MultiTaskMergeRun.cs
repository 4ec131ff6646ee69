namespace FusionCluster.Evaluation.MultiTask;

/// <summary>What the benchmark keeps of one merge job besides its output: its statistics (or coefficients) phase.</summary>
/// <param name="StatisticsSeconds">Wall time of the statistics phase, from its first unit's start to its last unit's end; 0 without one.</param>
/// <param name="StatisticsSilos">How many silos its units ran on; 0 without a statistics phase.</param>
public sealed record MultiTaskMergeRun(double StatisticsSeconds, int StatisticsSilos)
{
    public static MultiTaskMergeRun WithoutStatistics { get; } = new(0, 0);
}

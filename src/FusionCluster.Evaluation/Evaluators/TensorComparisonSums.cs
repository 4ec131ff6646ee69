namespace FusionCluster.Evaluation.Evaluators;

/// <summary>Running float64 sums comparing a model with one reference model (and optionally a base).</summary>
internal sealed class TensorComparisonSums
{
    public double DistanceSquared { get; private set; }

    public double Dot { get; private set; }

    public double NormSquared { get; private set; }

    public double TaskDot { get; private set; }

    public double TaskNormSquared { get; private set; }

    public long TaskNonZero { get; private set; }

    public long SignAgreements { get; private set; }

    /// <summary>Adds another part's sums (a later tensor); callers fix the order, so totals are reproducible.</summary>
    public void Combine(TensorComparisonSums other)
    {
        DistanceSquared += other.DistanceSquared;
        Dot += other.Dot;
        NormSquared += other.NormSquared;
        TaskDot += other.TaskDot;
        TaskNormSquared += other.TaskNormSquared;
        TaskNonZero += other.TaskNonZero;
        SignAgreements += other.SignAgreements;
    }

    /// <summary>The sums in a fixed order, for <see cref="TensorMetricSums.ToJson"/>.</summary>
    public double[] Values() => [DistanceSquared, Dot, NormSquared, TaskDot, TaskNormSquared];

    public long[] Counts() => [TaskNonZero, SignAgreements];

    /// <summary>Sums as <see cref="Values"/> and <see cref="Counts"/> gave them.</summary>
    public static TensorComparisonSums From(double[] values, long[] counts) => new()
    {
        DistanceSquared = values[0],
        Dot = values[1],
        NormSquared = values[2],
        TaskDot = values[3],
        TaskNormSquared = values[4],
        TaskNonZero = counts[0],
        SignAgreements = counts[1],
    };

    public void Add(ReadOnlySpan<float> model, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
    {
        for (var i = 0; i < model.Length; i++)
        {
            double m = model[i], r = reference[i];
            DistanceSquared += (m - r) * (m - r);
            Dot += m * r;
            NormSquared += r * r;
            if (!hasBase)
            {
                continue;
            }

            double mergedDelta = m - baseValues[i], taskDelta = r - baseValues[i];
            TaskDot += mergedDelta * taskDelta;
            TaskNormSquared += taskDelta * taskDelta;
            if (taskDelta != 0)
            {
                TaskNonZero++;
                if (Math.Sign(mergedDelta) == Math.Sign(taskDelta))
                {
                    SignAgreements++;
                }
            }
        }
    }
}

using System.Numerics;
using System.Runtime.Intrinsics;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Running float64 sums comparing a model with one reference model (and optionally a base), added in
/// <see cref="LaneSums"/>' fixed order.
/// </summary>
internal sealed class TensorComparisonSums
{
    private Vector256<double> distanceSquared;
    private Vector256<double> dot;
    private Vector256<double> normSquared;
    private Vector256<double> taskDot;
    private Vector256<double> taskNormSquared;

    /// <summary>Elements added so far: where the next chunk starts, which fixes its lanes.</summary>
    private long elements;

    public double DistanceSquared => LaneSums.Total(distanceSquared);

    public double Dot => LaneSums.Total(dot);

    public double NormSquared => LaneSums.Total(normSquared);

    public double TaskDot => LaneSums.Total(taskDot);

    public double TaskNormSquared => LaneSums.Total(taskNormSquared);

    public long TaskNonZero { get; private set; }

    public long SignAgreements { get; private set; }

    /// <summary>Adds another part's totals (a later tensor); callers fix the order, so totals are reproducible.</summary>
    public void Combine(TensorComparisonSums other)
    {
        distanceSquared = LaneSums.OfTotal(DistanceSquared + other.DistanceSquared);
        dot = LaneSums.OfTotal(Dot + other.Dot);
        normSquared = LaneSums.OfTotal(NormSquared + other.NormSquared);
        taskDot = LaneSums.OfTotal(TaskDot + other.TaskDot);
        taskNormSquared = LaneSums.OfTotal(TaskNormSquared + other.TaskNormSquared);
        TaskNonZero += other.TaskNonZero;
        SignAgreements += other.SignAgreements;
    }

    /// <summary>The sums in a fixed order, for <see cref="TensorMetricSums.ToJson"/>.</summary>
    public double[] Values() => [DistanceSquared, Dot, NormSquared, TaskDot, TaskNormSquared];

    public long[] Counts() => [TaskNonZero, SignAgreements];

    /// <summary>Sums as <see cref="Values"/> and <see cref="Counts"/> gave them.</summary>
    public static TensorComparisonSums From(double[] values, long[] counts) => new()
    {
        distanceSquared = LaneSums.OfTotal(values[0]),
        dot = LaneSums.OfTotal(values[1]),
        normSquared = LaneSums.OfTotal(values[2]),
        taskDot = LaneSums.OfTotal(values[3]),
        taskNormSquared = LaneSums.OfTotal(values[4]),
        TaskNonZero = counts[0],
        SignAgreements = counts[1],
    };

    /// <summary>Adds the next chunk of the tensor (elements continue where the last chunk ended).</summary>
    /// <param name="referenceSums">
    /// Whether to add the sums of the reference and base alone (<c>|r|²</c>, <c>|r - b|²</c>, non-zero task deltas) too: the same
    /// for every model compared with this reference, so a caller comparing several models adds them for one and copies
    /// them to the others (<see cref="CopyReferenceSums"/>).
    /// </param>
    public void Add(ReadOnlySpan<float> model, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase, bool referenceSums = true)
    {
        var head = LaneSums.Misalignment(elements, model.Length);
        for (var i = 0; i < head; i++)
        {
            AddOne(elements + i, model[i], reference[i], hasBase ? baseValues[i] : 0, hasBase, referenceSums);
        }

        var vectorEnd = head + ((model.Length - head) / LaneSums.Lanes * LaneSums.Lanes);
        if (hasBase)
        {
            AddVectorsWithBase(model, reference, baseValues, head, vectorEnd, referenceSums);
        }
        else
        {
            AddVectors(model, reference, head, vectorEnd, referenceSums);
        }

        for (var i = vectorEnd; i < model.Length; i++)
        {
            AddOne(elements + i, model[i], reference[i], hasBase ? baseValues[i] : 0, hasBase, referenceSums);
        }

        elements += model.Length;
    }

    /// <summary>Takes the reference-only sums from <paramref name="other"/>, which added them over the same reference and base values in the same order.</summary>
    public void CopyReferenceSums(TensorComparisonSums other)
    {
        normSquared = other.normSquared;
        taskNormSquared = other.taskNormSquared;
        TaskNonZero = other.TaskNonZero;
    }

    private void AddVectors(ReadOnlySpan<float> model, ReadOnlySpan<float> reference, int start, int end, bool referenceSums)
    {
        // Locals, so the loop keeps its accumulators in registers; each lane still adds in element order.
        Vector256<double> distance = distanceSquared, product = dot, norm = normSquared;
        for (var i = start; i < end; i += LaneSums.Lanes)
        {
            var m = LaneSums.Widen4(model, i);
            var r = LaneSums.Widen4(reference, i);
            var d = m - r;
            distance += d * d;
            product += m * r;
            if (referenceSums)
            {
                norm += r * r;
            }
        }

        (distanceSquared, dot, normSquared) = (distance, product, norm);
    }

    private void AddVectorsWithBase(ReadOnlySpan<float> model, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, int start, int end, bool referenceSums)
    {
        Vector256<double> distance = distanceSquared, product = dot, norm = normSquared, task = taskDot, taskNorm = taskNormSquared;
        long nonZero = 0, agreements = 0;
        var zero = Vector256<double>.Zero;
        for (var i = start; i < end; i += LaneSums.Lanes)
        {
            var m = LaneSums.Widen4(model, i);
            var r = LaneSums.Widen4(reference, i);
            var b = LaneSums.Widen4(baseValues, i);
            var d = m - r;
            distance += d * d;
            product += m * r;
            if (referenceSums)
            {
                norm += r * r;
            }

            var mergedDelta = m - b;
            var taskDelta = r - b;
            task += mergedDelta * taskDelta;

            // Sign agreement as Math.Sign counts it: both deltas positive, or both negative (a zero task delta counts neither).
            var agree = (Vector256.GreaterThan(taskDelta, zero) & Vector256.GreaterThan(mergedDelta, zero))
                | (Vector256.LessThan(taskDelta, zero) & Vector256.LessThan(mergedDelta, zero));
            agreements += BitOperations.PopCount(agree.ExtractMostSignificantBits());
            if (referenceSums)
            {
                taskNorm += taskDelta * taskDelta;
                nonZero += BitOperations.PopCount((~Vector256.Equals(taskDelta, zero)).ExtractMostSignificantBits());
            }
        }

        (distanceSquared, dot, normSquared, taskDot, taskNormSquared) = (distance, product, norm, task, taskNorm);
        TaskNonZero += nonZero;
        SignAgreements += agreements;
    }

    private void AddOne(long element, double m, double r, double b, bool hasBase, bool referenceSums)
    {
        LaneSums.AddAt(ref distanceSquared, element, (m - r) * (m - r));
        LaneSums.AddAt(ref dot, element, m * r);
        if (referenceSums)
        {
            LaneSums.AddAt(ref normSquared, element, r * r);
        }

        if (!hasBase)
        {
            return;
        }

        double mergedDelta = m - b, taskDelta = r - b;
        LaneSums.AddAt(ref taskDot, element, mergedDelta * taskDelta);
        if (referenceSums)
        {
            LaneSums.AddAt(ref taskNormSquared, element, taskDelta * taskDelta);
        }

        if (taskDelta != 0)
        {
            if (referenceSums)
            {
                TaskNonZero++;
            }

            if ((mergedDelta > 0 && taskDelta > 0) || (mergedDelta < 0 && taskDelta < 0))
            {
                SignAgreements++;
            }
        }
    }
}

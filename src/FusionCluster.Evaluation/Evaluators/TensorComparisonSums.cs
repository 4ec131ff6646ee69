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

    /// <summary>The distance lanes, for a kernel that adds several models' sums at once (<see cref="CandidatePairSums"/>).</summary>
    internal ref Vector256<double> DistanceLanes => ref distanceSquared;

    internal ref Vector256<double> DotLanes => ref dot;

    internal ref Vector256<double> TaskDotLanes => ref taskDot;

    /// <summary>Records what such a kernel added to the lanes: how many elements (which fix the next chunk's lanes), and the sign agreements among them.</summary>
    internal void Added(int count, long agreements)
    {
        elements += count;
        SignAgreements += agreements;
    }

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
    /// Whether to add the sums of the reference and base alone too (<c>|r|²</c>, <c>|r - b|²</c>, non-zero task deltas):
    /// the same for every model compared with this reference, so a caller comparing several models adds them once
    /// (<see cref="AddReferenceOnly"/>) and copies them to each (<see cref="CopyReferenceSums"/>).
    /// </param>
    public void Add(ReadOnlySpan<float> model, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase, bool referenceSums = true)
    {
        AddCompared(elements, model, reference, baseValues, hasBase);
        if (referenceSums)
        {
            AddReferenceOnly(elements, reference, baseValues, hasBase);
        }

        elements += model.Length;
    }

    /// <summary>Adds the next chunk of the sums of the reference and base alone, and nothing of a model.</summary>
    public void AddReferenceOnly(ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
    {
        AddReferenceOnly(elements, reference, baseValues, hasBase);
        elements += reference.Length;
    }

    /// <summary>Takes the reference-only sums from <paramref name="other"/>, which added them over the same reference and base values in the same order.</summary>
    public void CopyReferenceSums(TensorComparisonSums other)
    {
        normSquared = other.normSquared;
        taskNormSquared = other.taskNormSquared;
        TaskNonZero = other.TaskNonZero;
    }

    /// <summary>The sums of the model against the reference (and base), for elements [start, start + model.Length).</summary>
    private void AddCompared(long start, ReadOnlySpan<float> model, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
    {
        var head = LaneSums.Misalignment(start, model.Length);
        var vectorEnd = head + ((model.Length - head) / LaneSums.Lanes * LaneSums.Lanes);
        for (var i = 0; i < head; i++)
        {
            AddComparedOne(start + i, model[i], reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }

        if (hasBase)
        {
            AddComparedVectorsWithBase(model, reference, baseValues, head, vectorEnd);
        }
        else
        {
            AddComparedVectors(model, reference, head, vectorEnd);
        }

        for (var i = vectorEnd; i < model.Length; i++)
        {
            AddComparedOne(start + i, model[i], reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }
    }

    private void AddComparedVectors(ReadOnlySpan<float> model, ReadOnlySpan<float> reference, int start, int end)
    {
        // Locals, so the loop keeps its accumulators in registers; each lane still adds in element order.
        Vector256<double> distance = distanceSquared, product = dot;
        for (var i = start; i < end; i += LaneSums.Lanes)
        {
            var m = LaneSums.Widen4(model, i);
            var r = LaneSums.Widen4(reference, i);
            var d = m - r;
            distance += d * d;
            product = Vector256.FusedMultiplyAdd(m, r, product);
        }

        (distanceSquared, dot) = (distance, product);
    }

    private void AddComparedVectorsWithBase(ReadOnlySpan<float> model, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, int start, int end)
    {
        Vector256<double> distance = distanceSquared, product = dot, task = taskDot;
        var agreements = Vector256<long>.Zero;
        for (var i = start; i < end; i += LaneSums.Lanes)
        {
            var m = LaneSums.Widen4(model, i);
            var r = LaneSums.Widen4(reference, i);
            var b = LaneSums.Widen4(baseValues, i);
            var d = m - r;
            distance += d * d;
            product = Vector256.FusedMultiplyAdd(m, r, product);
            var taskProduct = (m - b) * (r - b);
            task += taskProduct;

            // Sign agreement as AddComparedOne counts it (both deltas positive, or both negative) is a positive product:
            // see CandidatePairSums.Compare. An agreeing lane is all ones, -1 as an integer.
            agreements -= Vector256.GreaterThan(taskProduct, Vector256<double>.Zero).AsInt64();
        }

        (distanceSquared, dot, taskDot) = (distance, product, task);
        SignAgreements += Vector256.Sum(agreements);
    }

    /// <summary>|r|², and with a base |r - b|² and the non-zero task deltas, for elements [start, start + reference.Length).</summary>
    private void AddReferenceOnly(long start, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
    {
        var head = LaneSums.Misalignment(start, reference.Length);
        var vectorEnd = head + ((reference.Length - head) / LaneSums.Lanes * LaneSums.Lanes);
        for (var i = 0; i < head; i++)
        {
            AddReferenceOne(start + i, reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }

        Vector256<double> norm = normSquared, taskNorm = taskNormSquared;
        long nonZero = 0;
        for (var i = head; i < vectorEnd; i += LaneSums.Lanes)
        {
            var r = LaneSums.Widen4(reference, i);
            norm = Vector256.FusedMultiplyAdd(r, r, norm);
            if (hasBase)
            {
                var taskDelta = r - LaneSums.Widen4(baseValues, i);
                taskNorm += taskDelta * taskDelta;
                nonZero += BitOperations.PopCount((~Vector256.Equals(taskDelta, Vector256<double>.Zero)).ExtractMostSignificantBits());
            }
        }

        (normSquared, taskNormSquared) = (norm, taskNorm);
        TaskNonZero += nonZero;
        for (var i = vectorEnd; i < reference.Length; i++)
        {
            AddReferenceOne(start + i, reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }
    }

    private void AddComparedOne(long element, double m, double r, double b, bool hasBase)
    {
        LaneSums.AddAt(ref distanceSquared, element, (m - r) * (m - r));
        LaneSums.AddAt(ref dot, element, m * r);
        if (!hasBase)
        {
            return;
        }

        double mergedDelta = m - b, taskDelta = r - b;
        LaneSums.AddAt(ref taskDot, element, mergedDelta * taskDelta);
        if ((mergedDelta > 0 && taskDelta > 0) || (mergedDelta < 0 && taskDelta < 0))
        {
            SignAgreements++;
        }
    }

    private void AddReferenceOne(long element, double r, double b, bool hasBase)
    {
        LaneSums.AddAt(ref normSquared, element, r * r);
        if (!hasBase)
        {
            return;
        }

        var taskDelta = r - b;
        LaneSums.AddAt(ref taskNormSquared, element, taskDelta * taskDelta);
        if (taskDelta != 0)
        {
            TaskNonZero++;
        }
    }
}

using System.Runtime.Intrinsics;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Running sums comparing a model with one reference model (and optionally a base), in <see cref="LaneSums"/>' order. The
/// model's terms are added by <see cref="CandidateSums"/>; the reference's own (<c>|r|²</c>, <c>|r - b|²</c>, its non-zero task
/// deltas), the same for every model compared with it, by <see cref="AddReferenceOnly"/> once for all of them.
/// </summary>
internal sealed class TensorComparisonSums
{
    /// <summary><c>Σ (m - r)²</c>.</summary>
    public LaneSum Distance;

    /// <summary><c>Σ m·r</c>.</summary>
    public LaneSum Dot;

    /// <summary><c>Σ r²</c>.</summary>
    public LaneSum Norm;

    /// <summary><c>Σ (m - b)(r - b)</c>.</summary>
    public LaneSum TaskProduct;

    /// <summary><c>Σ (r - b)²</c>.</summary>
    public LaneSum TaskNorm;

    public double DistanceSquared => Distance.Total;

    public double DotProduct => Dot.Total;

    public double NormSquared => Norm.Total;

    public double TaskDot => TaskProduct.Total;

    public double TaskNormSquared => TaskNorm.Total;

    public long TaskNonZero { get; private set; }

    /// <summary>Elements whose deltas from the base, the model's and the reference's, are both positive or both negative.</summary>
    public long SignAgreements { get; set; }

    /// <summary>Adds another part's totals (a later tensor); callers fix the order, so totals are reproducible.</summary>
    public void Combine(TensorComparisonSums other)
    {
        Distance = LaneSum.OfTotal(DistanceSquared + other.DistanceSquared);
        Dot = LaneSum.OfTotal(DotProduct + other.DotProduct);
        Norm = LaneSum.OfTotal(NormSquared + other.NormSquared);
        TaskProduct = LaneSum.OfTotal(TaskDot + other.TaskDot);
        TaskNorm = LaneSum.OfTotal(TaskNormSquared + other.TaskNormSquared);
        TaskNonZero += other.TaskNonZero;
        SignAgreements += other.SignAgreements;
    }

    /// <summary>The sums in a fixed order, for <see cref="TensorMetricSums.ToJson"/>.</summary>
    public double[] Values() => [DistanceSquared, DotProduct, NormSquared, TaskDot, TaskNormSquared];

    public long[] Counts() => [TaskNonZero, SignAgreements];

    /// <summary>Sums as <see cref="Values"/> and <see cref="Counts"/> gave them.</summary>
    public static TensorComparisonSums From(double[] values, long[] counts) => new()
    {
        Distance = LaneSum.OfTotal(values[0]),
        Dot = LaneSum.OfTotal(values[1]),
        Norm = LaneSum.OfTotal(values[2]),
        TaskProduct = LaneSum.OfTotal(values[3]),
        TaskNorm = LaneSum.OfTotal(values[4]),
        TaskNonZero = counts[0],
        SignAgreements = counts[1],
    };

    /// <summary>Takes the reference-only sums from <paramref name="other"/>, which added them over the same reference and base values in the same order.</summary>
    public void CopyReferenceSums(TensorComparisonSums other)
    {
        Norm = other.Norm;
        TaskNorm = other.TaskNorm;
        TaskNonZero = other.TaskNonZero;
    }

    /// <summary>Adds <c>|r|²</c> and, with a base, <c>|r - b|²</c> and the non-zero task deltas, of elements [start, start + reference.Length).</summary>
    public void AddReferenceOnly(long start, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
    {
        var head = LaneSums.Misalignment(start, reference.Length);
        var vectorEnd = head + ((reference.Length - head) / LaneSums.Lanes * LaneSums.Lanes);
        for (var i = 0; i < head; i++)
        {
            AddReferenceOne(start + i, reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }

        // Locals, so the loop keeps its sums in registers.
        Vector512<float> norm = Norm.Block, taskNorm = TaskNorm.Block;
        var nonZero = Vector512<int>.Zero;
        for (var i = head; i < vectorEnd;)
        {
            for (var end = LaneSums.BlockEnd(start, i, vectorEnd); i < end; i += LaneSums.Lanes)
            {
                var r = Vector512.Create(reference.Slice(i, LaneSums.Lanes));
                norm = Vector512.FusedMultiplyAdd(r, r, norm);
                if (hasBase)
                {
                    var taskDelta = r - Vector512.Create(baseValues.Slice(i, LaneSums.Lanes));
                    taskNorm = Vector512.FusedMultiplyAdd(taskDelta, taskDelta, taskNorm);
                    // A NaN delta is not 0, as the scalar path counts it. A counted lane is all ones, -1 as an integer.
                    nonZero -= (~Vector512.Equals(taskDelta, Vector512<float>.Zero)).AsInt32();
                }
            }

            if (LaneSums.StartsBlock(start + i))
            {
                Norm.EndBlock(ref norm);
                TaskNorm.EndBlock(ref taskNorm);
            }
        }

        (Norm.Block, TaskNorm.Block) = (norm, taskNorm);
        TaskNonZero += Vector512.Sum(nonZero);
        for (var i = vectorEnd; i < reference.Length; i++)
        {
            AddReferenceOne(start + i, reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }
    }

    private void AddReferenceOne(long element, float r, float b, bool hasBase)
    {
        Norm.AddAt(element, r, r);
        if (!hasBase)
        {
            return;
        }

        var taskDelta = r - b;
        TaskNorm.AddAt(element, taskDelta, taskDelta);
        if (taskDelta != 0)
        {
            TaskNonZero++;
        }
    }
}

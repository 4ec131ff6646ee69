using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FusionCluster.Core.Tensors.Lanes;

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

    /// <summary>
    /// Adds <c>|r|²</c> and, with a base, <c>|r - b|²</c> and the non-zero task deltas, of elements [start, start + reference.Length),
    /// with the widest vectors the machine accelerates (as <see cref="CandidateSums.Add"/>).
    /// </summary>
    public void AddReferenceOnly(long start, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            AddReferenceOnly<FloatLanes512, Vector512<float>>(start, reference, baseValues, hasBase);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            AddReferenceOnly<FloatLanes256, Vector256<float>>(start, reference, baseValues, hasBase);
        }
        else
        {
            AddReferenceOnly<FloatLanes128, Vector128<float>>(start, reference, baseValues, hasBase);
        }
    }

    /// <summary><see cref="AddReferenceOnly(long, ReadOnlySpan{float}, ReadOnlySpan{float}, bool)"/> with vectors of one width, each of which gives the same bits.</summary>
    internal void AddReferenceOnly<TLanes, TVector>(long start, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        var head = LaneSums.Misalignment(start, reference.Length);
        var vectorEnd = head + ((reference.Length - head) / LaneSums.Lanes * LaneSums.Lanes);
        for (var i = 0; i < head; i++)
        {
            AddReferenceOne(start + i, reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }

        AddReferenceVectors<TLanes, TVector>(start + head, reference[head..vectorEnd], hasBase ? baseValues[head..vectorEnd] : default, hasBase);
        for (var i = vectorEnd; i < reference.Length; i++)
        {
            AddReferenceOne(start + i, reference[i], hasBase ? baseValues[i] : 0, hasBase);
        }
    }

    /// <summary>Whole vectors from lane 0, a block at a time, its lanes a part at a time where a vector holds fewer than 16 (as <see cref="CandidateSums"/>).</summary>
    private void AddReferenceVectors<TLanes, TVector>(long start, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        ref var r0 = ref MemoryMarshal.GetReference(reference);
        ref var b0 = ref MemoryMarshal.GetReference(baseValues);
        long zeros = 0;
        for (var i = 0; i < reference.Length;)
        {
            var end = LaneSums.BlockEnd(start, i, reference.Length);
            for (var lane = 0; lane < LaneSums.Lanes; lane += TLanes.Count)
            {
                // Locals, so the loop keeps its sums in registers.
                TVector norm = Norm.BlockLanes<TLanes, TVector>(lane), taskNorm = TaskNorm.BlockLanes<TLanes, TVector>(lane);
                for (var k = i + lane; k < end; k += LaneSums.Lanes)
                {
                    var r = TLanes.Load(ref r0, (nuint)k);
                    norm = TLanes.FusedMultiplyAdd(r, r, norm);
                    if (hasBase)
                    {
                        var taskDelta = TLanes.Subtract(r, TLanes.Load(ref b0, (nuint)k));
                        taskNorm = TLanes.FusedMultiplyAdd(taskDelta, taskDelta, taskNorm);
                        // A NaN delta is not 0, as the scalar path counts it.
                        zeros += TLanes.CountZeros(taskDelta);
                    }
                }

                Norm.SetBlockLanes<TLanes, TVector>(lane, norm);
                TaskNorm.SetBlockLanes<TLanes, TVector>(lane, taskNorm);
            }

            i = end;
            if (LaneSums.StartsBlock(start + i))
            {
                Norm.EndBlock();
                TaskNorm.EndBlock();
            }
        }

        if (hasBase)
        {
            TaskNonZero += reference.Length - zeros;
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

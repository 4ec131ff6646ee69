using System.Runtime.Intrinsics;
using FusionCluster.Core.Tensors.Lanes;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Tests.Evaluators;

/// <summary>
/// The scoring kernels at every vector width, whichever the machine running the tests accelerates (a 512-bit vector on
/// a machine without AVX-512 is emulated, with the same results): each must give the lane order's bits.
/// </summary>
public sealed class CandidateSumsTests
{
    public static TheoryData<string, int> Widths => new()
    {
        { "128", 1 },
        { "256", 1 },
        { "512", 1 },
        { "128", 2 },
        { "256", 2 },
        { "512", 2 },
        { "256", 3 },
    };

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_vector_width_adds_the_plain_lane_order_bit_for_bit(string width, int references)
    {
        var random = new Random(17 + references);
        const int N = 1_000 + 256 + 37; // blocks, a run that ends mid-block, and a tail
        float[] Values() => Enumerable.Range(0, N).Select(_ => random.Next(8) == 0 ? 0f : (float)(random.NextDouble() * 2 - 1)).ToArray();
        var baseValues = Values();
        var model = Values();
        var referenceArrays = Enumerable.Range(0, references).Select(_ => Values()).ToList();
        // Some elements equal to the base's, so task deltas of zero are counted and have no sign.
        for (var i = 0; i < N; i += 5)
        {
            referenceArrays[0][i] = baseValues[i];
            model[i + 1 < N ? i + 1 : i] = baseValues[i + 1 < N ? i + 1 : i];
        }

        var sums = new TensorMetricSums(references, hasBase: true);
        sums.BeginTensor();
        var referenceOnly = Enumerable.Range(0, references).Select(_ => new TensorComparisonSums()).ToArray();
        // Pieces that start off lane 0 and cross blocks, as a unit's blocks of a chunk come.
        foreach (var (start, length) in new[] { (0, 3), (3, 300), (303, 700), (1003, N - 1003) })
        {
            var piece = references == 0 ? [] : referenceArrays.Select(r => r[start..(start + length)]).ToArray();
            Add(width, sums, model, start, length, baseValues.AsSpan(start, length), piece);
            for (var r = 0; r < references; r++)
            {
                AddReferenceOnly(width, referenceOnly[r], start, referenceArrays[r].AsSpan(start, length), baseValues.AsSpan(start, length));
            }
        }

        for (var r = 0; r < references; r++)
        {
            sums.Reference(r).CopyReferenceSums(referenceOnly[r]);
        }

        Assert.Equal(PlainLaneOrder.Json(model, baseValues, referenceArrays), sums.ToJson());
    }

    private static void Add(string width, TensorMetricSums sums, float[] values, int start, int length, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> references)
    {
        switch (width)
        {
            case "128":
                CandidateSums.Add<FloatLanes128, Vector128<float>>([sums], [values], start, length, baseValues, references, 0);
                break;
            case "256":
                CandidateSums.Add<FloatLanes256, Vector256<float>>([sums], [values], start, length, baseValues, references, 0);
                break;
            default:
                CandidateSums.Add<FloatLanes512, Vector512<float>>([sums], [values], start, length, baseValues, references, 0);
                break;
        }
    }

    private static void AddReferenceOnly(string width, TensorComparisonSums sums, long start, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues)
    {
        switch (width)
        {
            case "128":
                sums.AddReferenceOnly<FloatLanes128, Vector128<float>>(start, reference, baseValues, hasBase: true);
                break;
            case "256":
                sums.AddReferenceOnly<FloatLanes256, Vector256<float>>(start, reference, baseValues, hasBase: true);
                break;
            default:
                sums.AddReferenceOnly<FloatLanes512, Vector512<float>>(start, reference, baseValues, hasBase: true);
                break;
        }
    }
}

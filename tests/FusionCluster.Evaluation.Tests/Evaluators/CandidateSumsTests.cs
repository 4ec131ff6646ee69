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
    public static TheoryData<string, int, bool> Widths()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var width in new[] { "128", "256", "512" })
        {
            data.Add(width, 0, false);
            data.Add(width, 1, true);
            data.Add(width, 2, true);
            data.Add(width, 3, true);
            data.Add(width, 2, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_vector_width_adds_the_plain_lane_order_bit_for_bit(string width, int references, bool hasBase)
    {
        var random = new Random(17 + references);
        const int N = 1_000 + 256 + 37; // blocks, a run that ends mid-block, and a tail
        const int Models = 3; // added together, sharing the task deltas' signs
        float[] Values() => Enumerable.Range(0, N).Select(_ => random.Next(8) == 0 ? 0f : (float)(random.NextDouble() * 2 - 1)).ToArray();
        var baseValues = Values();
        var models = Enumerable.Range(0, Models).Select(_ => Values()).ToArray();
        var referenceArrays = Enumerable.Range(0, references).Select(_ => Values()).ToList();
        // Some elements equal to the base's, so task deltas of zero are counted and have no sign.
        for (var i = 0; i + 1 < N; i += 5)
        {
            if (references > 0)
            {
                referenceArrays[0][i] = baseValues[i];
            }

            models[0][i + 1] = baseValues[i + 1];
        }

        var sums = Enumerable.Range(0, Models).Select(_ => new TensorMetricSums(references, hasBase)).ToArray();
        foreach (var s in sums)
        {
            s.BeginTensor();
        }

        var referenceOnly = Enumerable.Range(0, references).Select(_ => new TensorComparisonSums()).ToArray();
        // Pieces that start off lane 0 and cross blocks, as a unit's blocks of a chunk come; the models' and references'
        // values are read at the piece's offset into whole arrays.
        foreach (var (start, length) in new[] { (0, 3), (3, 300), (303, 700), (1003, N - 1003) })
        {
            var baseSpan = hasBase ? baseValues.AsSpan(start, length) : default;
            Add(width, sums, models, start, length, baseSpan, referenceArrays);
            for (var r = 0; r < references; r++)
            {
                AddReferenceOnly(width, referenceOnly[r], start, referenceArrays[r].AsSpan(start, length), baseSpan, hasBase);
            }
        }

        for (var k = 0; k < Models; k++)
        {
            for (var r = 0; r < references; r++)
            {
                sums[k].Reference(r).CopyReferenceSums(referenceOnly[r]);
            }

            Assert.Equal(PlainLaneOrder.Json(models[k], hasBase ? baseValues : null, referenceArrays), sums[k].ToJson());
        }
    }

    private static void Add(string width, TensorMetricSums[] sums, float[][] values, int start, int length, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> references)
    {
        switch (width)
        {
            case "128":
                CandidateSums.Add<FloatLanes128, Vector128<float>>(sums, values, start, length, baseValues, references, start);
                break;
            case "256":
                CandidateSums.Add<FloatLanes256, Vector256<float>>(sums, values, start, length, baseValues, references, start);
                break;
            default:
                CandidateSums.Add<FloatLanes512, Vector512<float>>(sums, values, start, length, baseValues, references, start);
                break;
        }
    }

    private static void AddReferenceOnly(string width, TensorComparisonSums sums, long start, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, bool hasBase)
    {
        switch (width)
        {
            case "128":
                sums.AddReferenceOnly<FloatLanes128, Vector128<float>>(start, reference, baseValues, hasBase);
                break;
            case "256":
                sums.AddReferenceOnly<FloatLanes256, Vector256<float>>(start, reference, baseValues, hasBase);
                break;
            default:
                sums.AddReferenceOnly<FloatLanes512, Vector512<float>>(start, reference, baseValues, hasBase);
                break;
        }
    }
}

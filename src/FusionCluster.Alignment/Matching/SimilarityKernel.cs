using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using FusionCluster.Core.Execution;

namespace FusionCluster.Alignment.Matching;

/// <summary>
/// S += A·Bᵀ for row-major A [n, k] and B [n, k]: every pair of rows' dot product, the whole cost of
/// weight matching. Tiled so a block of B rows stays in cache while blocks of A rows pass over it, with
/// a 4×2 register-blocked AVX kernel inside, and parallel over blocks of A rows.
/// </summary>
public static class SimilarityKernel
{
    private const int DepthTile = 512;
    private const int ColumnTile = 128;
    private const int RowTile = 32;

    public static void AccumulateProduct(float[] a, float[] b, int n, int k, float[] similarity)
    {
        if ((long)n * k != a.Length || (long)n * k != b.Length || (long)n * n != similarity.Length)
        {
            throw new ArgumentException($"expected A and B of {n}×{k} and S of {n}×{n}; got {a.Length}, {b.Length} and {similarity.Length} elements");
        }

        if (n == 0 || k == 0)
        {
            return;
        }

        var rowTiles = (n + RowTile - 1) / RowTile;
        // On threads of their own: seconds of products at 7B widths on the thread pool stalled the silo (ComputeThreads).
        Parallel.For(0, rowTiles, ComputeThreads.Shared.Loop, tile => AccumulateRowTile(a, b, n, k, similarity, tile * RowTile, Math.Min(n, (tile + 1) * RowTile)));
    }

    private static unsafe void AccumulateRowTile(float[] a, float[] b, int n, int k, float[] similarity, int rowStart, int rowEnd)
    {
        fixed (float* pa = a, pb = b, ps = similarity)
        {
            for (var depth = 0; depth < k; depth += DepthTile)
            {
                var depthLength = Math.Min(DepthTile, k - depth);
                for (var columnStart = 0; columnStart < n; columnStart += ColumnTile)
                {
                    var columnEnd = Math.Min(n, columnStart + ColumnTile);
                    var row = rowStart;
                    for (; row + 4 <= rowEnd; row += 4)
                    {
                        var column = columnStart;
                        for (; column + 2 <= columnEnd; column += 2)
                        {
                            Kernel4x2(pa + ((long)row * k) + depth, pb + ((long)column * k) + depth, k, depthLength, ps + ((long)row * n) + column, n);
                        }

                        for (; column < columnEnd; column++)
                        {
                            for (var r = row; r < row + 4; r++)
                            {
                                ps[((long)r * n) + column] += Dot(pa + ((long)r * k) + depth, pb + ((long)column * k) + depth, depthLength);
                            }
                        }
                    }

                    for (; row < rowEnd; row++)
                    {
                        for (var column = columnStart; column < columnEnd; column++)
                        {
                            ps[((long)row * n) + column] += Dot(pa + ((long)row * k) + depth, pb + ((long)column * k) + depth, depthLength);
                        }
                    }
                }
            }
        }
    }

    private static unsafe float Dot(float* x, float* y, int length) =>
        TensorPrimitives.Dot(new ReadOnlySpan<float>(x, length), new ReadOnlySpan<float>(y, length));

    /// <summary>Four rows of A against two rows of B over one depth tile: eight accumulators, six loads per eight FMAs.</summary>
    private static unsafe void Kernel4x2(float* a, float* b, int stride, int length, float* s, int n)
    {
        var a0 = a;
        var a1 = a + stride;
        var a2 = a + (2L * stride);
        var a3 = a + (3L * stride);
        var b0 = b;
        var b1 = b + stride;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        var t = 0;
        for (; t + 8 <= length; t += 8)
        {
            var x0 = Vector256.Load(b0 + t);
            var x1 = Vector256.Load(b1 + t);
            var y = Vector256.Load(a0 + t);
            c00 = Vector256.FusedMultiplyAdd(y, x0, c00);
            c01 = Vector256.FusedMultiplyAdd(y, x1, c01);
            y = Vector256.Load(a1 + t);
            c10 = Vector256.FusedMultiplyAdd(y, x0, c10);
            c11 = Vector256.FusedMultiplyAdd(y, x1, c11);
            y = Vector256.Load(a2 + t);
            c20 = Vector256.FusedMultiplyAdd(y, x0, c20);
            c21 = Vector256.FusedMultiplyAdd(y, x1, c21);
            y = Vector256.Load(a3 + t);
            c30 = Vector256.FusedMultiplyAdd(y, x0, c30);
            c31 = Vector256.FusedMultiplyAdd(y, x1, c31);
        }

        float s00 = Vector256.Sum(c00), s01 = Vector256.Sum(c01), s10 = Vector256.Sum(c10), s11 = Vector256.Sum(c11);
        float s20 = Vector256.Sum(c20), s21 = Vector256.Sum(c21), s30 = Vector256.Sum(c30), s31 = Vector256.Sum(c31);
        for (; t < length; t++)
        {
            s00 += a0[t] * b0[t];
            s01 += a0[t] * b1[t];
            s10 += a1[t] * b0[t];
            s11 += a1[t] * b1[t];
            s20 += a2[t] * b0[t];
            s21 += a2[t] * b1[t];
            s30 += a3[t] * b0[t];
            s31 += a3[t] * b1[t];
        }

        s[0] += s00;
        s[1] += s01;
        s[n] += s10;
        s[n + 1] += s11;
        s[2L * n] += s20;
        s[(2L * n) + 1] += s21;
        s[3L * n] += s30;
        s[(3L * n) + 1] += s31;
    }
}

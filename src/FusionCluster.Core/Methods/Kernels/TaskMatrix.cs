using MathNet.Numerics.LinearAlgebra;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Whole 2-D task vectors as float64 matrices, for the SVD-based methods (TSV-M, Iso-C, Iso-CTS). They need the
/// whole tensor at once, so memory is a few copies of one tensor: bounded by the unit that owns it.
/// </summary>
internal static class TaskMatrix
{
    /// <summary>True when the paper's SVD rule applies (a 2-D tensor); other tensors take the mean task vector.</summary>
    public static bool IsMatrix(MergeTensorContext ctx) => ctx.Shape.Count == 2 && ctx.Shape[0] > 0 && ctx.Shape[1] > 0;

    public static (int Rows, int Cols) Size(MergeTensorContext ctx)
    {
        if (ctx.Shape[0] > int.MaxValue || ctx.Shape[1] > int.MaxValue || ctx.ElementCount > Array.MaxLength)
        {
            throw new MergeMethodException($"tensor '{ctx.TensorName}': [{string.Join(", ", ctx.Shape)}] is too large for an in-memory SVD");
        }
        return ((int)ctx.Shape[0], (int)ctx.Shape[1]);
    }

    /// <summary>x - base as an m×n float64 matrix.</summary>
    public static Matrix<double> Delta(MergeTensorContext ctx, TensorSource x, TensorSource baseTensor)
    {
        var (rows, cols) = Size(ctx);
        var values = new float[rows * (long)cols];
        TaskVectors.Read(x, baseTensor, 0, values);
        // MathNet stores column-major; the tensor is row-major.
        return Matrix<double>.Build.Dense(rows, cols, (i, j) => values[(long)i * cols + j]);
    }

    /// <summary>Σ_i (x_i - base).</summary>
    public static Matrix<double> SumOfDeltas(MergeTensorContext ctx, TensorSource baseTensor)
    {
        var (rows, cols) = Size(ctx);
        var sum = Matrix<double>.Build.Dense(rows, cols);
        foreach (var model in ctx.Models)
        {
            sum.Add(Delta(ctx, model.Tensor, baseTensor), sum);
        }
        return sum;
    }

    /// <summary>Writes base + scale·delta.</summary>
    public static void WriteBasePlus(MergeTensorContext ctx, TensorSource baseTensor, Matrix<double> delta, double scale)
    {
        var cols = delta.ColumnCount;
        ChunkPlan.Rows(ctx).ForEach((_, start, length) =>
        {
            using var buf = new RentedBuffer<float>(length);
            var o = buf.Span;
            baseTensor.Read(start, o);
            var row0 = (int)(start / cols);
            for (var k = 0; k < length; k++)
            {
                o[k] = (float)(o[k] + scale * delta[row0 + k / cols, k % cols]);
            }
            ctx.Output.Write(start, o);
        });
    }

    /// <summary>The papers' rule for tensors that are not matrices: base + scale·mean_i(x_i - base).</summary>
    public static void WriteMeanDelta(MergeTensorContext ctx, TensorSource baseTensor, double scale)
    {
        var n = ctx.Models.Count;
        var sources = ctx.Models.Select(m => m.Tensor).ToArray();
        var coefficients = Enumerable.Repeat(n == 0 ? 0 : scale / n, n).ToArray();
        LinearCombination.Write(ChunkPlan.Flat(ctx), sources, coefficients, baseTensor, ctx.Output);
    }

    /// <summary>Copies the first <paramref name="count"/> singular triplets of <paramref name="from"/> into slots [at, at + count).</summary>
    public static void Place(ThinSvd from, int count, int at, Matrix<double> u, Vector<double> s, Matrix<double> vt)
    {
        if (count == 0)
        {
            return;
        }
        u.SetSubMatrix(0, at, from.U.SubMatrix(0, from.U.RowCount, 0, count));
        vt.SetSubMatrix(at, 0, from.VT.SubMatrix(0, count, 0, from.VT.ColumnCount));
        for (var j = 0; j < count; j++)
        {
            s[at + j] = from.S[j];
        }
    }
}

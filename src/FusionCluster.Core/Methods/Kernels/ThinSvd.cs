using MathNet.Numerics.LinearAlgebra;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// The thin SVD A = U·diag(S)·VT of an m×n matrix in float64, k = min(m, n): U is m×k, S has k values in
/// descending order, VT is k×n (torch.linalg.svd with full_matrices=False). A full SVD of a tall matrix would
/// hold an m×m U (an embedding's vocabulary squared), so a tall A is first reduced by a thin QR (A = Q·R, then
/// R's n×n SVD) and a wide A is handled as its transpose.
/// </summary>
public sealed class ThinSvd
{
    private ThinSvd(Matrix<double> u, Vector<double> s, Matrix<double> vt)
    {
        U = u;
        S = s;
        VT = vt;
    }

    public Matrix<double> U { get; }

    public Vector<double> S { get; }

    public Matrix<double> VT { get; }

    public static ThinSvd Of(Matrix<double> a)
    {
        if (a.RowCount < a.ColumnCount)
        {
            var t = Of(a.Transpose());
            return new ThinSvd(t.VT.Transpose(), t.S, t.U.Transpose());
        }

        if (a.RowCount == a.ColumnCount)
        {
            var square = a.Svd(computeVectors: true);
            return new ThinSvd(square.U, square.S, square.VT);
        }

        var qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var small = qr.R.Svd(computeVectors: true);
        return new ThinSvd(qr.Q * small.U, small.S, small.VT);
    }

    /// <summary>
    /// The orthogonal polar factor U·VT of <paramref name="a"/>: the nearest matrix with orthonormal columns
    /// (or rows), which is how TSV-M and Iso-CTS decorrelate stacked singular vectors.
    /// </summary>
    public static Matrix<double> Polar(Matrix<double> a)
    {
        var svd = Of(a);
        return svd.U * svd.VT;
    }
}

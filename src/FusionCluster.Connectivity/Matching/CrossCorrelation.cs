using System.Runtime.InteropServices;
using FusionCluster.Evaluation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Matching;

/// <summary>
/// Pearson correlations between the features of one model (n columns) and those of another (m columns),
/// accumulated over batches of the same samples: call <see cref="Add"/> with [samples, n] and [samples, m] for
/// each batch, then <see cref="Correlation"/>. Unlike <see cref="FeatureCorrelation"/> of both models' columns
/// together, it keeps only the n × m cross block and per-feature sums, a quarter of the memory for n = m (the
/// FFN of a 7B llama: 0.9 GiB instead of 3.6). Sums are float64; a feature that never varies correlates 0.
/// </summary>
public sealed class CrossCorrelation : IDisposable
{
    private const double Epsilon = 1e-12;
    private static readonly Scalar EpsilonScalar = Epsilon;
    private static readonly Scalar ZeroScalar = 0;
    private readonly Tensor sumA;
    private readonly Tensor sumB;
    private readonly Tensor squaresA;
    private readonly Tensor squaresB;
    private readonly Tensor products;
    private long count;

    public CrossCorrelation(int featuresA, int featuresB)
    {
        FeaturesA = featuresA;
        FeaturesB = featuresB;

        // Accumulators outlive whatever dispose scope the caller is in; Dispose releases them.
        sumA = zeros(featuresA, dtype: ScalarType.Float64).DetachFromDisposeScope();
        sumB = zeros(featuresB, dtype: ScalarType.Float64).DetachFromDisposeScope();
        squaresA = zeros(featuresA, dtype: ScalarType.Float64).DetachFromDisposeScope();
        squaresB = zeros(featuresB, dtype: ScalarType.Float64).DetachFromDisposeScope();
        products = zeros(featuresA, featuresB, dtype: ScalarType.Float64).DetachFromDisposeScope();
    }

    public int FeaturesA { get; }

    /// <summary>What an accumulator of <paramref name="featuresA"/> × <paramref name="featuresB"/> holds: the cross sums and four per-feature sums, float64.</summary>
    public static long StateBytes(int featuresA, int featuresB) => 8L * (((long)featuresA * featuresB) + (2L * featuresA) + (2L * featuresB));

    public int FeaturesB { get; }

    public long Count => count;

    /// <summary>One batch: row s of <paramref name="a"/> and row s of <paramref name="b"/> are the same sample.</summary>
    public void Add(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dim() != 2 || b.dim() != 2 || a.shape[0] != b.shape[0] || a.shape[1] != FeaturesA || b.shape[1] != FeaturesB)
        {
            throw new ArgumentException($"expected [samples, {FeaturesA}] and [samples, {FeaturesB}], got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        }

        using var scope = NewDisposeScope();
        var x = a.detach().to(ScalarType.Float64, CPU);
        var y = b.detach().to(ScalarType.Float64, CPU);
        sumA.add_(x.sum(dim: 0));
        sumB.add_(y.sum(dim: 0));
        squaresA.add_(x.square().sum(dim: 0));
        squaresB.add_(y.square().sum(dim: 0));
        products.add_(x.t().matmul(y));
        count += x.shape[0];
    }

    /// <summary>The n × m correlation matrix, row-major (rows a's features, columns b's), as float64.</summary>
    public double[] Correlation() => CorrelationRows(0, FeaturesA);

    /// <summary>
    /// Rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="rows"/> − 1 of
    /// <see cref="Correlation"/>, row-major: every element is computed on its own, so a caller reading the matrix a
    /// band of rows at a time gets the same values while holding only the band.
    /// </summary>
    public double[] CorrelationRows(int first, int rows)
    {
        var band = new double[(long)rows * FeaturesB];
        CorrelationRows(first, rows, band);
        return band;
    }

    /// <summary>As <see cref="CorrelationRows(int, int)"/>, into the first rows × m elements of <paramref name="destination"/> (a caller's reused buffer).</summary>
    public void CorrelationRows(int first, int rows, Span<double> destination)
    {
        if (count < 2)
        {
            throw new InvalidOperationException("correlations need at least two samples");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + rows, FeaturesA);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, (long)rows * FeaturesB);
        using var scope = NewDisposeScope();
        using var n = count.ToScalar();
        var meanA = sumA.div(n);
        var meanB = sumB.div(n);
        var stdA = squaresA.div(n).sub(meanA.square()).clamp_min(ZeroScalar).sqrt().narrow(0, first, rows);
        var stdB = squaresB.div(n).sub(meanB.square()).clamp_min(ZeroScalar).sqrt();
        var covariance = products.narrow(0, first, rows).div(n).sub(meanA.narrow(0, first, rows).unsqueeze(1).matmul(meanB.unsqueeze(0)));
        var denominator = stdA.unsqueeze(1).matmul(stdB.unsqueeze(0)).add(EpsilonScalar, HeldScalars.One);
        MemoryMarshal.Cast<byte, double>(covariance.div(denominator).contiguous().bytes).CopyTo(destination);
    }

    public void Dispose()
    {
        sumA.Dispose();
        sumB.Dispose();
        squaresA.Dispose();
        squaresB.Dispose();
        products.Dispose();
    }
}

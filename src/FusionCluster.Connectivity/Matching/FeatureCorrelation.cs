using FusionCluster.Evaluation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Matching;

/// <summary>
/// Pearson correlations between feature columns accumulated over batches of samples: call <see cref="Add"/>
/// with [samples, features] for each batch, then <see cref="Correlation"/>. Sums are float64; a feature that
/// never varies (a dead ReLU) has correlation 0 with everything rather than NaN.
/// </summary>
public sealed class FeatureCorrelation : IDisposable
{
    private const double Epsilon = 1e-12;
    private static readonly Scalar EpsilonScalar = Epsilon;
    private static readonly Scalar ZeroScalar = 0;
    private readonly Tensor sum;
    private readonly Tensor products;
    private long count;

    public FeatureCorrelation(int features)
    {
        Features = features;
        sum = zeros(features, dtype: ScalarType.Float64);
        products = zeros(features, features, dtype: ScalarType.Float64);
    }

    public int Features { get; }

    public void Add(Tensor columns)
    {
        using var scope = NewDisposeScope();
        var values = columns.detach().to_type(ScalarType.Float64);
        sum.add_(values.sum(dim: 0));
        products.add_(values.t().matmul(values));
        count += values.shape[0];
    }

    /// <summary>The features × features correlation matrix, row-major, as float64.</summary>
    public double[] Correlation()
    {
        if (count < 2)
        {
            throw new InvalidOperationException("correlations need at least two samples");
        }

        using var scope = NewDisposeScope();
        using var n = count.ToScalar();
        var mean = sum.div(n);
        var covariance = products.div(n).sub(mean.unsqueeze(1).matmul(mean.unsqueeze(0)));
        var std = covariance.diagonal().clamp_min(ZeroScalar).sqrt();
        var denominator = std.unsqueeze(1).matmul(std.unsqueeze(0)).add(EpsilonScalar, HeldScalars.One);
        return covariance.div(denominator).data<double>().ToArray();
    }

    public void Dispose()
    {
        sum.Dispose();
        products.Dispose();
    }
}

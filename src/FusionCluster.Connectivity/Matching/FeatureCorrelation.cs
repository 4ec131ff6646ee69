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
        var mean = sum.div(count);
        var covariance = products.div(count).sub(mean.unsqueeze(1).matmul(mean.unsqueeze(0)));
        var std = covariance.diagonal().clamp_min(0).sqrt();
        var denominator = std.unsqueeze(1).matmul(std.unsqueeze(0)).add(Epsilon);
        return covariance.div(denominator).data<double>().ToArray();
    }

    public void Dispose()
    {
        sum.Dispose();
        products.Dispose();
    }
}

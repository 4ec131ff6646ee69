namespace FusionCluster.Connectivity.Repair;

/// <summary>Per unit of one hidden layer: the mean and population standard deviation of its pre-activation over data.</summary>
public sealed record LayerStatistics(double[] Mean, double[] Std)
{
    public int Units => Mean.Length;

    /// <summary>(1 − α)·a + α·b for means and standard deviations alike: REPAIR's target for the interpolated unit.</summary>
    public static LayerStatistics Interpolate(LayerStatistics a, LayerStatistics b, double alpha)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Units != b.Units)
        {
            throw new ArgumentException($"layers of {a.Units} and {b.Units} units cannot be interpolated");
        }

        return new LayerStatistics(
            [.. a.Mean.Zip(b.Mean, (x, y) => ((1 - alpha) * x) + (alpha * y))],
            [.. a.Std.Zip(b.Std, (x, y) => ((1 - alpha) * x) + (alpha * y))]);
    }
}

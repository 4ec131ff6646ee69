namespace FusionCluster.Core.Methods;

/// <summary>How a GTA method thins each task vector before combining (mergekit's sparsify.py).</summary>
public enum GtaSparsifier
{
    /// <summary>Keep every element (task_arithmetic).</summary>
    None,
    /// <summary>Keep the int(density·n) largest |δ| (TIES).</summary>
    Magnitude,
    /// <summary>Keep each element with probability density (DARE).</summary>
    Random,
    /// <summary>Drop the largest int(gamma·n) and the smallest outliers, keep the band between (breadcrumbs).</summary>
    MagnitudeOutliers,
    /// <summary>Keep each element with a probability rising with its |δ| rank within its row (DELLA).</summary>
    DellaMagprune,
}

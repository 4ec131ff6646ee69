namespace FusionCluster.Alignment.Zipping;

/// <summary>
/// Which merged feature each of the 2n features of two models (a's 0..n−1, then b's n..2n−1) goes into, with the
/// merge matrix M (n × 2n: each merged feature is the mean of its members) and the unmerge matrix U (2n × n: each
/// original feature reads its merged feature back).
/// </summary>
public sealed class FeatureClusters
{
    public FeatureClusters(int[] clusterOf, int clusters)
    {
        ArgumentNullException.ThrowIfNull(clusterOf);
        if (clusterOf.Any(c => c < 0 || c >= clusters) || Enumerable.Range(0, clusters).Any(c => !clusterOf.Contains(c)))
        {
            throw new ArgumentException($"every feature needs a cluster in 0..{clusters - 1}, and every cluster a feature", nameof(clusterOf));
        }

        ClusterOf = clusterOf;
        Count = clusters;
    }

    /// <summary>For each of the 2n features, its merged feature.</summary>
    public int[] ClusterOf { get; }

    /// <summary>Merged features.</summary>
    public int Count { get; }

    /// <summary>Features per model.</summary>
    public int FeaturesPerModel => ClusterOf.Length / 2;

    /// <summary>M, row-major [Count, 2n]: row k averages the members of cluster k.</summary>
    public float[] MergeMatrix()
    {
        var sizes = new int[Count];
        foreach (var cluster in ClusterOf)
        {
            sizes[cluster]++;
        }

        var merge = new float[Count * ClusterOf.Length];
        for (var feature = 0; feature < ClusterOf.Length; feature++)
        {
            merge[(ClusterOf[feature] * ClusterOf.Length) + feature] = 1f / sizes[ClusterOf[feature]];
        }

        return merge;
    }

    /// <summary>U, row-major [2n, Count]: feature f reads cluster ClusterOf[f].</summary>
    public float[] UnmergeMatrix()
    {
        var unmerge = new float[ClusterOf.Length * Count];
        for (var feature = 0; feature < ClusterOf.Length; feature++)
        {
            unmerge[(feature * Count) + ClusterOf[feature]] = 1;
        }

        return unmerge;
    }
}

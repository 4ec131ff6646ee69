namespace FusionCluster.Alignment.Zipping;

/// <summary>
/// One zipped layer: its clusters and how alike the features averaged together are. The objective is the sum,
/// over the n merged features, of the mean correlation between the members of each (0 for a lone feature):
/// before is naive averaging (a's unit i with b's unit i), after is ZipIt!'s clusters.
/// </summary>
/// <param name="UnitsMoved">The first model's units whose merged feature is not simply their namesake pair (a_i with b_i).</param>
public sealed record ZippedGroup(string Name, FeatureClusters Clusters, int UnitsMoved, double ObjectiveBefore, double ObjectiveAfter)
{
    /// <summary>Zips one layer from the [2n, 2n] correlation of both models' features (the first model's first).</summary>
    public static ZippedGroup Match(string name, double[] correlation, int featuresPerModel, ZipItOptions options)
    {
        var clusters = ZipItMatcher.Match(correlation, featuresPerModel, options);
        var total = 2 * featuresPerModel;
        var before = Enumerable.Range(0, featuresPerModel).Sum(i => correlation[(i * total) + featuresPerModel + i]);
        var after = 0.0;
        foreach (var members in Enumerable.Range(0, total).GroupBy(f => clusters.ClusterOf[f]).Select(g => g.ToArray()))
        {
            var pairs = 0;
            var sum = 0.0;
            for (var i = 0; i < members.Length; i++)
            {
                for (var j = i + 1; j < members.Length; j++)
                {
                    sum += correlation[(members[i] * total) + members[j]];
                    pairs++;
                }
            }

            after += pairs == 0 ? 0 : sum / pairs;
        }

        var moved = Enumerable.Range(0, featuresPerModel).Count(i =>
        {
            var cluster = clusters.ClusterOf[i];
            return clusters.ClusterOf[featuresPerModel + i] != cluster || clusters.ClusterOf.Count(c => c == cluster) != 2;
        });
        return new ZippedGroup(name, clusters, moved, before, after);
    }
}

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// What a run writes (sweep key <c>outputs: {publish: all|best, keep: K}</c>): every merge, or only the best
/// <see cref="Keep"/> by the objective after all were scored in-job. Writing ten whole models costs more than
/// merging them on a slow disk, so scoring without writing is what makes a sweep cost about one merge.
/// </summary>
public sealed record SweepOutputs(OutputPublishing Publish, int Keep)
{
    public static SweepOutputs All { get; } = new(OutputPublishing.All, 0);

    public bool BestOnly => Publish == OutputPublishing.Best;
}

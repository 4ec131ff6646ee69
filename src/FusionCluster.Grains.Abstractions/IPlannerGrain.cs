namespace FusionCluster.Grains.Abstractions;

/// <summary>Plans specs without running them (reads only headers), for previews before submitting.</summary>
[Alias("fc.IPlannerGrain")]
public interface IPlannerGrain : IGrainWithIntegerKey
{
    [Alias("Preview")]
    [ResponseTimeout("00:02:00")]
    Task<PlanPreview> Preview(MergeRequest request);
}

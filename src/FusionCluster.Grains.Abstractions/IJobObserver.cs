namespace FusionCluster.Grains.Abstractions;

/// <summary>Receives a job's progress events (the CLI's watch, the dashboard). Re-subscribe at least every minute.</summary>
[Alias("fc.IJobObserver")]
public interface IJobObserver : IGrainObserver
{
    [Alias("OnJobEvent")]
    void OnJobEvent(JobEvent jobEvent);
}

using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Fakes;

public sealed class FakeClusterMonitor : IClusterMonitor
{
    public event Action? Changed;

    public ClusterSnapshot? Latest { get; set; }

    public IReadOnlyList<ThroughputSample> Throughput { get; set; } = [];

    public IReadOnlyList<ClusterSample> History { get; set; } = [];

    public IReadOnlyList<SiloResourceHistory> Resources { get; set; } = [];

    public int Refreshes { get; private set; }

    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        Refreshes++;
        return Task.CompletedTask;
    }

    /// <summary>Sets the snapshot and tells the pages, as a finished poll does.</summary>
    public void Publish(ClusterSnapshot snapshot)
    {
        Latest = snapshot;
        Changed?.Invoke();
    }
}

using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// One poll of the cluster for every open page: silos, jobs and a throughput history, refreshed on an
/// interval whether or not anyone watches, so the overview's chart has a history when it opens.
/// </summary>
public interface IClusterMonitor
{
    /// <summary>Null until the first poll has finished (pages show their loading state).</summary>
    ClusterSnapshot? Latest { get; }

    /// <summary>Oldest first, at most the last few minutes.</summary>
    IReadOnlyList<ThroughputSample> Throughput { get; }

    /// <summary>The cluster's persisted history (one sample a minute, the last day), oldest first; reread every few minutes.</summary>
    IReadOnlyList<ClusterSample> History { get; }

    /// <summary>Every silo's CPU and memory over the last day (silos by name); reread every <c>ClusterMonitor.ResourceSpacing</c>.</summary>
    IReadOnlyList<SiloResourceHistory> Resources { get; }

    /// <summary>Raised (on a background thread) after every poll.</summary>
    event Action? Changed;

    /// <summary>Polls now (after a submit or cancel), rather than at the next interval.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}

using System.Collections.Concurrent;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Fakes;

/// <summary>The cluster as a page test wants it: canned answers, calls that never finish (loading), calls that throw (error).</summary>
public sealed class FakeFusionCluster : IFusionCluster
{
    public List<JobSummary> Jobs { get; } = [];

    public Dictionary<string, JobStatus> Statuses { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<UnitStatus>> Units { get; } = new(StringComparer.Ordinal);

    public List<SiloInfo> Silos { get; } = [];

    /// <summary>Kept progress samples, by job.</summary>
    public Dictionary<string, List<JobMetricSample>> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Log lines, by silo name.</summary>
    public Dictionary<string, List<SiloLogLine>> Logs { get; } = new(StringComparer.Ordinal);

    public int LogReads { get; private set; }

    public List<SiloMembership> Membership { get; } = [];

    public PlanPreview Preview { get; set; } = new() { Method = "linear", Units = 4, Tensors = 10, InputBytes = 3 << 20, OutputBytes = 1 << 20, OutputShards = ["model.safetensors"], UnitNames = ["embed", "layers.0", "layers.1", "head"] };

    /// <summary>When set, GetJobAsync waits for it (the page stays in its loading state).</summary>
    public TaskCompletionSource? JobGate { get; set; }

    /// <summary>When set, started jobs fail to plan with this error.</summary>
    public string? StartError { get; set; }

    /// <summary>When set, subscribing to a job's events throws it.</summary>
    public Exception? WatchFailure { get; set; }

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    public ConcurrentQueue<(string JobId, MergeRequest Request)> Started { get; } = new();

    public ConcurrentQueue<string> Cancelled { get; } = new();

    public ConcurrentQueue<MergeRequest> Previewed { get; } = new();

    /// <summary>The live subscriptions, by job: tests push events through them.</summary>
    public ConcurrentDictionary<string, Action<JobEvent>> Watchers { get; } = new(StringComparer.Ordinal);

    public int UnitLoads { get; private set; }

    public Task<IReadOnlyList<JobSummary>> ListJobsAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<JobSummary>>(Jobs.ToList());
    }

    public async Task<JobStatus?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        if (JobGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        ThrowIfFailing();
        return Statuses.GetValueOrDefault(jobId);
    }

    public Task<IReadOnlyList<UnitStatus>> GetUnitsAsync(string jobId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        UnitLoads++;
        return Task.FromResult<IReadOnlyList<UnitStatus>>(Units.GetValueOrDefault(jobId)?.ToList() ?? []);
    }

    public Task<IReadOnlyList<JobMetricSample>> GetJobMetricsAsync(string jobId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<JobMetricSample>>(Metrics.GetValueOrDefault(jobId)?.ToList() ?? []);
    }

    public Task<IReadOnlyList<SiloLogLine>> GetSiloLogsAsync(string silo, int max, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        LogReads++;
        return Task.FromResult<IReadOnlyList<SiloLogLine>>(Logs.GetValueOrDefault(silo)?.TakeLast(max).ToList() ?? []);
    }

    public List<ClusterSample> ClusterHistory { get; } = [];

    public Task RecordClusterSampleAsync(ClusterSample sample, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        ClusterHistory.Add(sample);
        return Task.CompletedTask;
    }

    public List<SiloResourceHistory> SiloResources { get; } = [];

    public Task<IReadOnlyList<SiloResourceHistory>> GetSiloResourcesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SiloResourceHistory>>(SiloResources.ToList());

    public Task<IReadOnlyList<ClusterSample>> GetClusterHistoryAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<ClusterSample>>(ClusterHistory.ToList());
    }

    public Task<IReadOnlyList<SiloMembership>> GetMembershipAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<SiloMembership>>(Membership.ToList());
    }

    public Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<SiloInfo>>(Silos.ToList());
    }

    public Task<PlanPreview> PreviewAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        Previewed.Enqueue(request);
        return Task.FromResult(Preview);
    }

    public Task<JobStatus> StartAsync(string jobId, MergeRequest request, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        Started.Enqueue((jobId, request));
        var status = new JobStatus { JobId = jobId, State = StartError is null ? JobState.Running : JobState.Failed, Error = StartError, SpecName = request.SpecName, SubmittedAt = DateTimeOffset.UtcNow, UnitsTotal = 4 };
        Statuses[jobId] = status;
        return Task.FromResult(status);
    }

    public Task CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        Cancelled.Enqueue(jobId);
        if (Statuses.TryGetValue(jobId, out var status))
        {
            Statuses[jobId] = status with { State = JobState.Cancelled, Error = "cancelled" };
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> WatchAsync(string jobId, Action<JobEvent> onEvent, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        if (WatchFailure is not null)
        {
            throw WatchFailure;
        }

        Watchers[jobId] = onEvent;
        return Task.FromResult<IAsyncDisposable>(new Unwatch(() => Watchers.TryRemove(jobId, out _)));
    }

    public void Push(JobEvent jobEvent) => Watchers[jobEvent.JobId](jobEvent);

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }

    private sealed class Unwatch(Action onDispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            onDispose();
            return ValueTask.CompletedTask;
        }
    }
}

using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Services;

/// <summary>The sweep grains of the cluster (or of the co-hosted silo), through the Orleans client.</summary>
public sealed class OrleansFusionSweeps(IClusterClient client) : IFusionSweeps
{
    public const string CatalogKey = "default";

    public Task<IReadOnlyList<SweepSummary>> ListSweepsAsync(CancellationToken cancellationToken) =>
        client.GetGrain<ISweepCatalogGrain>(CatalogKey).List().WaitAsync(cancellationToken);

    public async Task<SweepStatus?> GetSweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        var status = await client.GetGrain<ISweepGrain>(sweepId).GetStatus().WaitAsync(cancellationToken);
        return status.Exists ? status : null;
    }

    public Task<SweepRunDetail?> GetRunAsync(string sweepId, int number, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).GetRun(number).WaitAsync(cancellationToken);

    public Task<SweepRunRequestResult> RunAsync(string sweepId, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).Run().WaitAsync(cancellationToken);

    public Task<SweepStatus> PauseAsync(string sweepId, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).Pause().WaitAsync(cancellationToken);

    public Task<SweepRunDetail?> CancelRunAsync(string sweepId, int number, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).CancelRun(number).WaitAsync(cancellationToken);

    public Task<SweepStatus> ResumeAsync(string sweepId, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).Resume().WaitAsync(cancellationToken);

    public Task<SweepStatus> CreateAsync(string sweepId, SweepDefinition definition, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).Create(definition).WaitAsync(cancellationToken);

    public Task DeleteAsync(string sweepId, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).Delete().WaitAsync(cancellationToken);

    public Task<SweepStatus> SetScheduleAsync(string sweepId, string? cron, string? timeZone, bool queueOverlaps, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).SetSchedule(cron, timeZone, queueOverlaps).WaitAsync(cancellationToken);

    public Task<SweepStatus> EditAsync(string sweepId, SweepDefinition definition, CancellationToken cancellationToken) =>
        client.GetGrain<ISweepGrain>(sweepId).Edit(definition).WaitAsync(cancellationToken);
}

using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// The cluster's sweeps, as the sweep pages read them. Changes (run now, pause, resume, schedule) go
/// through <see cref="SweepCommands"/>, which checks the user's role.
/// </summary>
public interface IFusionSweeps
{
    /// <summary>Every sweep of the sweep catalog.</summary>
    Task<IReadOnlyList<SweepSummary>> ListSweepsAsync(CancellationToken cancellationToken);

    /// <summary>The sweep's status, or null when the cluster has no such sweep.</summary>
    Task<SweepStatus?> GetSweepAsync(string sweepId, CancellationToken cancellationToken);

    /// <summary>One run with its candidates; 0 for the newest. Null when there is no such run.</summary>
    Task<SweepRunDetail?> GetRunAsync(string sweepId, int number, CancellationToken cancellationToken);

    Task<SweepRunRequestResult> RunAsync(string sweepId, CancellationToken cancellationToken);

    Task<SweepStatus> PauseAsync(string sweepId, CancellationToken cancellationToken);

    /// <summary>Cancels run <paramref name="number"/> while it goes (<see cref="ISweepGrain.CancelRun"/>): the run as it ended, or null when there is no such run.</summary>
    Task<SweepRunDetail?> CancelRunAsync(string sweepId, int number, CancellationToken cancellationToken);

    Task<SweepStatus> ResumeAsync(string sweepId, CancellationToken cancellationToken);

    /// <summary>Creates sweep <paramref name="sweepId"/>; an invalid definition comes back as the status's Error, nothing created.</summary>
    Task<SweepStatus> CreateAsync(string sweepId, SweepDefinition definition, CancellationToken cancellationToken);

    /// <summary>Deletes the sweep with its history, cancelling a run in progress.</summary>
    Task DeleteAsync(string sweepId, CancellationToken cancellationToken);

    /// <summary>Replaces the schedule (no cron: none); an invalid one changes nothing and comes back in <see cref="SweepStatus.Error"/>.</summary>
    Task<SweepStatus> SetScheduleAsync(string sweepId, string? cron, string? timeZone, bool queueOverlaps, CancellationToken cancellationToken);

    /// <summary>Replaces the sweep's definition; an invalid one changes nothing and comes back in <see cref="SweepStatus.Error"/>. A run going keeps its definition.</summary>
    Task<SweepStatus> EditAsync(string sweepId, SweepDefinition definition, CancellationToken cancellationToken);
}

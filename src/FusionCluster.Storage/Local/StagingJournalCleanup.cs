using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Storage.Local;

/// <summary>At the start of a process with an embedded silo: removes the staging that killed processes left (<see cref="StagingJournal"/>).</summary>
public sealed class StagingJournalCleanup(StagingJournal journal, ILogger<StagingJournalCleanup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var staging in journal.RemoveLeftovers())
            {
                logger.LogInformation("Removed {Staging}, left by a process that was killed mid-merge", staging);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover that cannot be removed now is tried again at the next start; it must not stop this one.
            logger.LogWarning("Could not remove staging left by a killed process: {Error}", e.Message);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

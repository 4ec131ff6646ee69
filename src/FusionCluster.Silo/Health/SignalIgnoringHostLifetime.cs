using Microsoft.Extensions.Hosting;

namespace FusionCluster.Silo.Health;

/// <summary>
/// The lifetime of a host nested inside the silo's: it neither waits for nor reacts to Ctrl-C or SIGTERM
/// (the default console lifetime would stop the nested host on its own, ahead of the silo's orderly leave).
/// </summary>
internal sealed class SignalIgnoringHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Hosting;

namespace FusionCluster.Client;

/// <summary>
/// A host lifetime that leaves SIGINT and SIGTERM alone. The default console lifetime stops the host on either
/// signal, which pulled the embedded silo from under a running merge (the verb then published anyway, or hung);
/// in fusion the verb owns the signal (TerminationSignals) and stops its host itself.
/// </summary>
public sealed class SignalFreeHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

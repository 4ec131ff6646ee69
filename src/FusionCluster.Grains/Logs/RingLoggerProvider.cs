using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains.Logs;

/// <summary>Writes every log line of Information and above (see <see cref="RingLogger"/>) into the process's <see cref="SiloLogRing"/>.</summary>
[ProviderAlias("Ring")]
public sealed class RingLoggerProvider(SiloLogRing ring, TimeProvider time) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new RingLogger(ring, time, categoryName);

    public void Dispose()
    {
        // The ring belongs to the container.
    }
}

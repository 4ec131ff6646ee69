using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains.Logs;

/// <summary>One category's logger into the <see cref="SiloLogRing"/>: Information and above (Orleans' debug chatter would push out what operators look for).</summary>
public sealed class RingLogger(SiloLogRing ring, TimeProvider time, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message} ({exception.GetType().Name}: {exception.Message})";
        }

        ring.Add(new SiloLogLine { At = time.GetUtcNow(), Level = logLevel.ToString(), Category = category, Message = message });
    }
}

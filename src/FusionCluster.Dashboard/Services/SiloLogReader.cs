using FusionCluster.Dashboard.Security;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// Silo logs for operators only: the role is checked on the server for every read (logs name paths, users and
/// hosts), and every line is redacted like everything else the dashboard shows before it leaves this type.
/// </summary>
public sealed class SiloLogReader(IFusionCluster cluster, OperatorGate gate, SecretRedactor redactor)
{
    /// <summary>Lines one read asks for.</summary>
    public const int DefaultLines = 500;

    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was read.</exception>
    public async Task<IReadOnlyList<SiloLogLine>> ReadAsync(string silo, int max, CancellationToken cancellationToken)
    {
        await gate.RequireOperatorAsync("read silo logs");
        var lines = await cluster.GetSiloLogsAsync(silo, max, cancellationToken);
        return lines.Select(l => l with { Message = redactor.Redact(l.Message), Category = redactor.Redact(l.Category) }).ToList();
    }

    public Task<bool> IsOperatorAsync() => gate.IsOperatorAsync();
}

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// What a failed poll of the cluster means, in one short sentence for a banner. Orleans' messages can carry
/// remote stack traces and type names; those are for the log, never the page.
/// </summary>
public static class ConnectionTrouble
{
    public const int MaxLength = 200;

    public static string Describe(Exception exception, TimeSpan timeout)
    {
        var name = exception.GetBaseException().GetType().Name;
        if (exception is OperationCanceledException or TimeoutException || name is "TimeoutException" or "TaskCanceledException")
        {
            return $"the cluster did not answer within {timeout.TotalSeconds:0} s";
        }

        if (name is "SiloUnavailableException" or "ConnectionFailedException" or "OrleansMessageRejectionException" or "ClientNotAvailableException" or "SocketException" or "GatewayTooBusyException")
        {
            return "no silo of the cluster answers at the gateway (it may be restarting)";
        }

        return FirstLine(exception.GetBaseException().Message);
    }

    /// <summary>The first line of a message, without stack frames, at most <see cref="MaxLength"/> characters.</summary>
    public static string FirstLine(string message)
    {
        var line = message.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("at ", StringComparison.Ordinal) && !l.StartsWith("---", StringComparison.Ordinal)) ?? "";
        var frame = line.IndexOf(" at ", StringComparison.Ordinal);
        if (frame > 0 && line.IndexOf('(', frame) > frame)
        {
            line = line[..frame].TrimEnd();
        }

        if (line.Length == 0)
        {
            return "the cluster answered with an error";
        }

        return line.Length <= MaxLength ? line : string.Concat(line.AsSpan(0, MaxLength - 1), "…");
    }
}

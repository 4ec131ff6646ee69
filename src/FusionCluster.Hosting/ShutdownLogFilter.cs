namespace FusionCluster.Hosting;

/// <summary>
/// Keeps Orleans' own errors out of an embedded silo's log once it stops: stopping a single silo a moment after it started
/// (Ctrl-C in the first seconds) has its in-memory reminder table look for another silo to migrate to, and Orleans logs
/// that search's failures and their retries (Polly) as errors with stack traces. There is no other silo, the process is
/// ending and the user asked for it: none of it is theirs to act on. FusionCluster's own errors still show.
/// </summary>
public sealed class ShutdownLogFilter
{
    private volatile bool stopping;

    /// <summary>From now on, Orleans' and Polly's entries are dropped.</summary>
    public void Stopping() => stopping = true;

    /// <summary>Whether an entry of <paramref name="category"/> is written (for <c>ILoggingBuilder.AddFilter</c>).</summary>
    public bool Allows(string? category) => Allows(category, stopping);

    public static bool Allows(string? category, bool stopping) =>
        !stopping || category is null || !(IsOrNamespaceOf(category, "Orleans") || IsOrNamespaceOf(category, "Polly"));

    private static bool IsOrNamespaceOf(string category, string root) =>
        category.StartsWith(root, StringComparison.Ordinal) && (category.Length == root.Length || category[root.Length] is '.' or '[');
}

namespace FusionCluster.Dashboard.Artifacts;

/// <summary>The output could not be read; the message is safe to show (no connection strings, keys or SAS tokens).</summary>
public sealed class ArtifactException(string message) : Exception(message);

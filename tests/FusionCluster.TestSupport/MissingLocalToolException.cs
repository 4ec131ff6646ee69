namespace FusionCluster.TestSupport;

/// <summary>A tool the tests need is not installed; the message says how to install it.</summary>
public sealed class MissingLocalToolException(string message) : Exception(message);

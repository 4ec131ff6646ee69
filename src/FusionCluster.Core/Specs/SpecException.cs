namespace FusionCluster.Core.Specs;

/// <summary>A spec is invalid. The message names the key (and line where known) and what is wrong.</summary>
public sealed class SpecException(string message) : Exception(message);

namespace FusionCluster.Grains.Jobs.Planning;

/// <summary>A candidate of a shared-input job cannot run (or none can): the message says why.</summary>
public sealed class CandidatesFailedException(string message) : Exception(message);

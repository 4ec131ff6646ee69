namespace FusionCluster.Alignment;

/// <summary>Alignment cannot proceed: a spec or the models are wrong. The message names the file, key or tensor.</summary>
public sealed class AlignmentException(string message, Exception? inner = null) : Exception(message, inner);

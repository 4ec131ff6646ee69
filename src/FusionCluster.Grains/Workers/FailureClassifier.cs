namespace FusionCluster.Grains.Workers;

/// <summary>Tells failures that a retry on another silo could fix from failures of the inputs or the spec.</summary>
public static class FailureClassifier
{
    /// <summary>
    /// FusionCluster's own exceptions describe bad specs, checkpoints or locations, and argument or
    /// format errors come from the data: running again gives the same error. I/O, network and
    /// everything else may be the machine's fault.
    /// </summary>
    public static bool IsPermanent(Exception e) =>
        e.GetType().Namespace?.StartsWith("FusionCluster", StringComparison.Ordinal) == true
        || e is ArgumentException or FormatException or KeyNotFoundException or NotSupportedException or InvalidDataException;

    public static string Describe(Exception e) =>
        e.GetType().Namespace?.StartsWith("FusionCluster", StringComparison.Ordinal) == true || e is IOException
            ? e.Message
            : $"{e.GetType().Name}: {e.Message}";
}

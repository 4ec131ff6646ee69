namespace FusionCluster.Core.Storage;

/// <summary>A storage location is invalid or unreachable; the message names it.</summary>
public sealed class StorageException : Exception
{
    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace FusionCluster.Core.Formats;

/// <summary>A checkpoint folder or file that cannot be used; the message names the path and what is wrong.</summary>
public class CheckpointException : Exception
{
    public CheckpointException(string message)
        : base(message)
    {
    }

    public CheckpointException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

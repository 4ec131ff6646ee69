namespace FusionCluster.Language;

/// <summary>A language model that cannot be loaded or run; the message names the file, key or tensor and why.</summary>
public sealed class LanguageModelException : Exception
{
    public LanguageModelException(string message)
        : base(message)
    {
    }

    public LanguageModelException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

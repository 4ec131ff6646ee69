namespace FusionCluster.Core.Tokenizers;

/// <summary>A tokenizer file that cannot be read or written as asked; the message names the file and what is wrong.</summary>
public sealed class TokenizerException : Exception
{
    public TokenizerException(string message)
        : base(message)
    {
    }

    public TokenizerException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

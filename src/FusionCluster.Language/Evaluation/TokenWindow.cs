namespace FusionCluster.Language.Evaluation;

/// <summary>Tokens [Start, Start + Length) of a tokenized text; the window predicts its tokens 2..Length.</summary>
public readonly record struct TokenWindow(int Start, int Length)
{
    public int Predicted => Math.Max(0, Length - 1);

    /// <summary>Consecutive, non-overlapping windows of <paramref name="context"/> tokens (the last may be shorter).</summary>
    public static IReadOnlyList<TokenWindow> Split(int tokenCount, int context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 2);
        var windows = new List<TokenWindow>();
        for (var start = 0; start < tokenCount; start += context)
        {
            windows.Add(new TokenWindow(start, Math.Min(context, tokenCount - start)));
        }

        return windows;
    }
}

using FusionCluster.Language;
using FusionCluster.Language.Evaluation;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>The token windows activation matching runs a language model on.</summary>
public static class TokenSamples
{
    /// <summary>
    /// <paramref name="samples"/> of the text's consecutive full windows of <paramref name="context"/> tokens (as
    /// perplexity cuts them), drawn without replacement by <paramref name="seed"/> and kept in text order; all of
    /// them when there are no more. A text shorter than one window is one window of all its tokens.
    /// </summary>
    public static IReadOnlyList<int[]> Draw(IReadOnlyList<int> ids, int context, int samples, int seed)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (ids.Count < 2)
        {
            throw new LanguageModelException($"the text has {ids.Count} token(s); activation matching needs at least 2");
        }

        var windows = TokenWindow.Split(ids.Count, context).Where(w => w.Length == context).ToList();
        if (windows.Count == 0)
        {
            windows.Add(new TokenWindow(0, ids.Count));
        }

        var chosen = Enumerable.Range(0, windows.Count).ToArray();
        if (samples < windows.Count)
        {
            new Random(seed).Shuffle(chosen);
            chosen = [.. chosen.Take(samples).Order()];
        }

        return [.. chosen.Select(w => ids.Skip(windows[w].Start).Take(windows[w].Length).ToArray())];
    }
}

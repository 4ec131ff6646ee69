namespace FusionCluster.Core.Specs;

/// <summary>
/// The known name a misspelt one most likely meant (<c>tiez</c> → <c>ties</c>, <c>wieght</c> → <c>weight</c>), for
/// "did you mean" in errors: the closest by edit distance (insertions, deletions, substitutions and swaps of two
/// neighbours each count one), if it is within a third of the typed name's length (at least one) and no other name is
/// as close.
/// </summary>
public static class SpellingSuggestion
{
    /// <summary>Longer names get no suggestion: no key or method is this long, and a YAML key may be very long indeed.</summary>
    private const int MaxLength = 64;

    /// <summary>The closest of <paramref name="known"/> to <paramref name="typed"/>, or null when none is close or two tie.</summary>
    public static string? Closest(string typed, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(known);
        var allowed = Math.Max(1, typed.Length / 3);
        if (typed.Length > MaxLength)
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        var tied = false;
        foreach (var name in known.Distinct(StringComparer.Ordinal))
        {
            if (Math.Abs(name.Length - typed.Length) > allowed)
            {
                continue;
            }

            var distance = Distance(typed.ToUpperInvariant(), name.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance, tied) = (name, distance, false);
            }
            else if (distance == bestDistance)
            {
                tied = true;
            }
        }

        return best is not null && !tied && bestDistance <= allowed && best != typed ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" for the closest known name, to follow the quoted typed one, or "" when there is none.</summary>
    public static string Hint(string typed, IEnumerable<string> known) =>
        Closest(typed, known) is { } name ? $" (did you mean '{name}'?)" : "";

    /// <summary>The optimal string alignment distance: Levenshtein's, with a swap of two neighbouring characters counting one.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}

using System.Globalization;

namespace FusionCluster.Core.Formats;

/// <summary>
/// Parses sizes such as "5GB", "500MB", "1.5G", "2GiB" or "1024". Decimal units are powers of 1000 and
/// "iB" units powers of 1024, as transformers reads max_shard_size. A bare "B" suffix means billions
/// ("5B" = 5e9), as mergekit reads --out-shard-size, so a mergekit command line keeps its meaning.
/// </summary>
public static class ByteSize
{
    private static readonly (string Suffix, decimal Factor)[] Units =
    [
        ("KIB", 1024m), ("MIB", 1024m * 1024), ("GIB", 1024m * 1024 * 1024), ("TIB", 1024m * 1024 * 1024 * 1024),
        ("KB", 1e3m), ("MB", 1e6m), ("GB", 1e9m), ("TB", 1e12m),
        ("K", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m),
        ("B", 1e9m),
    ];

    public static long Parse(string text) =>
        TryParse(text, out var bytes)
            ? bytes
            : throw new FormatException($"'{text}' is not a size; use bytes or a unit, e.g. 5GB, 500MB, 1.5G, 2GiB, 5B (5 billion bytes)");

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().ToUpperInvariant();
        var factor = 1m;
        foreach (var (suffix, f) in Units)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                s = s[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }

        if (s.Length == 0 || !char.IsAsciiDigit(s[0]) && s[0] != '.'
            || !decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        try
        {
            var value = decimal.Floor(number * factor);
            if (value > long.MaxValue)
            {
                return false;
            }

            bytes = (long)value;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}

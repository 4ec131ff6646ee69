using System.Globalization;

namespace FusionCluster.Core.Planning;

/// <summary>The decoder blocks of a llama-family checkpoint, read from its tensor names (Hugging Face's layout).</summary>
public static class LanguageModelBlocks
{
    /// <summary>The number of blocks <c>model.layers.0</c> .. that have a <c>self_attn.q_proj.weight</c>; 0 for anything that is not a llama's layout.</summary>
    public static int Count(IReadOnlyCollection<string> tensorNames)
    {
        ArgumentNullException.ThrowIfNull(tensorNames);
        var names = tensorNames as IReadOnlySet<string> ?? tensorNames.ToHashSet(StringComparer.Ordinal);
        var blocks = 0;
        while (names.Contains(Prefix(blocks) + ".self_attn.q_proj.weight"))
        {
            blocks++;
        }

        return blocks;
    }

    /// <summary>The tensor-name prefix of block <paramref name="block"/>: <c>model.layers.N</c>.</summary>
    public static string Prefix(int block) => string.Create(CultureInfo.InvariantCulture, $"model.layers.{block}");

    /// <summary>The block a tensor name belongs to, or null (embeddings, the final norm, lm_head).</summary>
    public static int? BlockOf(string tensorName)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        const string start = "model.layers.";
        if (!tensorName.StartsWith(start, StringComparison.Ordinal))
        {
            return null;
        }

        var end = tensorName.IndexOf('.', start.Length);
        return end > start.Length && int.TryParse(tensorName.AsSpan(start.Length, end - start.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var block) ? block : null;
    }
}

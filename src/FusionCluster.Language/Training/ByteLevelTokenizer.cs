using System.Text.Json.Nodes;

namespace FusionCluster.Language.Training;

/// <summary>
/// The tokenizer the trainer writes when given none: a byte-level BPE tokenizer.json with no merges, so
/// every UTF-8 byte is one token (ids 0-255, in GPT-2's byte-to-character alphabet), plus
/// <c>&lt;|endoftext|&gt;</c> (id 256) as bos/eos. Any text encodes; nothing is learned from it.
/// </summary>
public static class ByteLevelTokenizer
{
    public const string EndOfText = "<|endoftext|>";

    public const int EndOfTextId = 256;

    public const int VocabularySize = 257;

    public static JsonObject TokenizerJson()
    {
        var vocabulary = new JsonObject();
        var alphabet = ByteAlphabet();
        for (var b = 0; b < 256; b++)
        {
            vocabulary[alphabet[b].ToString()] = b;
        }

        vocabulary[EndOfText] = EndOfTextId;
        JsonObject ByteLevel(bool addPrefixSpace) => new() { ["type"] = "ByteLevel", ["add_prefix_space"] = addPrefixSpace, ["trim_offsets"] = true, ["use_regex"] = true };
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = EndOfTextId,
                ["content"] = EndOfText,
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = false,
                ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevel(addPrefixSpace: false),
            ["post_processor"] = ByteLevel(addPrefixSpace: false),
            ["decoder"] = ByteLevel(addPrefixSpace: false),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocabulary,
                ["merges"] = new JsonArray(),
            },
        };
    }

    /// <summary>GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the rest for U+0100 onwards.</summary>
    public static char[] ByteAlphabet()
    {
        var alphabet = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            alphabet[b] = printable ? (char)b : (char)next++;
        }

        return alphabet;
    }
}

using System.Text;
using FusionCluster.Core.Tokenizers;
using FusionCluster.TestSupport;

namespace FusionCluster.Core.Tests.Tokenizers;

/// <summary>
/// Three tokenizers whose union exercises every default-row rule. The union is base's eight tokens, then
/// "abc" (8) and "&lt;|im_start|&gt;" (9, an added special token) from ft-a, then "xyz" (10) from ft-b:
/// "bc" is missing from ft-b only (base has it), "abc" is shared by ft-a and ft-b, "&lt;|im_start|&gt;" is
/// ft-a's alone and "xyz" ft-b's alone; ft-b also swaps the ids of "a" and "b".
/// </summary>
internal static class UnionFixtures
{
    public static readonly string[] BaseVocabulary = ["<unk>", "<s>", "</s>", "a", "b", "c", "ab", "bc"];

    public static readonly string[] FtAVocabulary = [.. BaseVocabulary, "abc"];

    public static readonly (int Id, string Content, bool Special)[] FtAAdded = [(9, "<|im_start|>", true)];

    public static readonly string[] FtBVocabulary = ["<unk>", "<s>", "</s>", "b", "a", "c", "ab", "abc", "xyz"];

    public static readonly string[] UnionTokens = [.. BaseVocabulary, "abc", "<|im_start|>", "xyz"];

    public const string Spec = """
        merge_method: linear
        base_model: base
        models:
          - model: base
            parameters: {weight: 1.0}
          - model: ft-a
            parameters: {weight: 1.0}
          - model: ft-b
            parameters: {weight: 2.0}

        """;

    public static TokenizerVocabulary Vocabulary(string[] vocabulary, params (int Id, string Content, bool Special)[] added)
    {
        var all = TinyTokenizerCheckpoint.SpecialTokens.Select((t, i) => (i, t, true)).Concat(added).ToList();
        var json = TinyTokenizerCheckpoint.TokenizerJson(vocabulary, all).ToJsonString();
        return TokenizerVocabulary.Parse(Encoding.UTF8.GetBytes(json), "tokenizer.json");
    }

    /// <summary>Writes base, ft-a and ft-b (weights of models 0, 1 and 2) under <paramref name="root"/>.</summary>
    public static void WriteCheckpoints(string root)
    {
        TinyTokenizerCheckpoint.Write(Path.Combine(root, "base"), 0, BaseVocabulary);
        TinyTokenizerCheckpoint.Write(Path.Combine(root, "ft-a"), 1, FtAVocabulary, FtAAdded);
        TinyTokenizerCheckpoint.Write(Path.Combine(root, "ft-b"), 2, FtBVocabulary);
    }
}

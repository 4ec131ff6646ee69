using FusionCluster.Language.Tests.Support;
using FusionCluster.Language.Tokenization;

namespace FusionCluster.Language.Tests.Tokenization;

public sealed class HfTokenizerTests
{
    [Fact]
    public void Byte_level_bpe_applies_its_merges_in_rank_order()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("tokenizer.json"), TokenizerFiles.ByteLevelBpe);
        using var tokenizer = HfTokenizer.Load(directory.Path);

        // "hello" merges fully (9); " hole" is Ġ h o l e with no applicable merge; the special token is matched whole.
        Assert.Equal([9, 5, 1, 4, 3, 2, 0], tokenizer.Encode("hello hole<|endoftext|>"));
        Assert.Equal([9, 10], tokenizer.Encode("hello hello"));
        Assert.Equal(11, tokenizer.VocabularySize);
    }

    [Fact]
    public void Metaspace_bpe_gets_the_templates_bos_and_unknowns()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        using var tokenizer = HfTokenizer.Load(directory.Path);

        // <s>, then "▁ab" (▁+a first, then ▁a+b), "▁ca" (only ▁+c merges), "▁x" (x is unknown).
        Assert.Equal([1, 9, 10, 4, 3, 0], tokenizer.Encode("ab ca x"));
    }

    [Fact]
    public void A_tokenizer_from_stored_bytes_encodes_as_the_file_does_and_bad_bytes_name_their_source()
    {
        using var tokenizer = HfTokenizer.FromBytes(System.Text.Encoding.UTF8.GetBytes(TokenizerFiles.MetaspaceWithBos), "model 'm' tokenizer.json");

        Assert.Equal([1, 9, 10, 4, 3, 0], tokenizer.Encode("ab ca x"));
        var error = Assert.Throws<LanguageModelException>(() => HfTokenizer.FromBytes("{not json"u8.ToArray(), "model 'm' tokenizer.json"));
        Assert.StartsWith("model 'm' tokenizer.json: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model": "bpe"}""", "model.vocab is missing")]
    [InlineData("""{"model": {"vocab": {"a": "x"}}}""", "model.vocab[\"a\"]: expected a non-negative integer id, got \"x\"")]
    [InlineData("""{"model": {"vocab": {"a": 1.5}}}""", "model.vocab[\"a\"]: expected a non-negative integer id, got 1.5")]
    [InlineData("""{"model": {"vocab": {"a": 0}}, "added_tokens": [{"id": "1", "content": "b"}]}""", "added_tokens[0]: expected")]
    [InlineData("""{"model": {"vocab": {"a": 2147483647}}}""", "token \"a\" has id 2147483647")]
    public void A_malformed_vocabulary_is_refused_naming_the_file_and_the_key(string json, string named)
    {
        // Before, these escaped as InvalidOperationException and FormatException, and the last made VocabularySize negative.
        using var directory = new TempDirectory();
        var path = directory.Combine("tokenizer.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<LanguageModelException>(() => HfTokenizer.Load(directory.Path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<LanguageModelException>(() => HfTokenizer.Load(directory.Path));

        Assert.Contains(directory.Combine("tokenizer.json"), error.Message, StringComparison.Ordinal);
    }
}

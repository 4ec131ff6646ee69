using System.Text;
using FusionCluster.Core.Tokenizers;

namespace FusionCluster.Core.Tests.Tokenizers;

public sealed class TokenizerVocabularyTests
{
    [Fact]
    public void A_bpe_vocabulary_and_its_added_tokens_are_read_in_id_order()
    {
        var vocabulary = UnionFixtures.Vocabulary(UnionFixtures.FtAVocabulary, UnionFixtures.FtAAdded);

        Assert.Equal(10, vocabulary.Size);
        Assert.Equal([.. UnionFixtures.FtAVocabulary, "<|im_start|>"], vocabulary.Tokens.Select(t => t.Content));
        Assert.Equal(Enumerable.Range(0, 10), vocabulary.Tokens.Select(t => t.Id));
        Assert.Equal(new AddedTokenEntry(9, "<|im_start|>", Special: true, Normalized: false), vocabulary.Tokens[9].Added);
        Assert.Equal(new AddedTokenEntry(1, "<s>", Special: true, Normalized: false), vocabulary.Tokens[1].Added);
        Assert.Null(vocabulary.Tokens[3].Added);
        Assert.True(vocabulary.TryGetId("abc", out var id));
        Assert.Equal(8, id);
        Assert.False(vocabulary.TryGetId("xyz", out _));
    }

    [Theory]
    [InlineData("""{"model": {"vocab": {"a": 2000000000}}}""", "\"a\" has id 2000000000")]
    [InlineData("""{"model": {"vocab": {"a": 2147483647}}}""", "\"a\" has id 2147483647")]
    [InlineData("""{"model": {"vocab": {"a": 0, "b": 1}}, "added_tokens": [{"id": 16777216, "content": "<x>"}]}""", "\"<x>\" has id 16777216")]
    [InlineData("""{"model": {"vocab": {"a": 0, "b": 65540}}}""", "\"b\" has id 65540")]
    public void An_id_far_beyond_the_number_of_tokens_is_refused_naming_the_file_the_token_and_the_id(string json, string named)
    {
        // A union allocates one slot per id and model: before this check the 40-byte first file made it allocate 2e9 slots.
        var started = System.Diagnostics.Stopwatch.StartNew();

        var error = Assert.Throws<TokenizerException>(() => TokenizerVocabulary.Parse(Encoding.UTF8.GetBytes(json), "m/tokenizer.json"));

        Assert.StartsWith("m/tokenizer.json: token ", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
    }

    [Fact]
    public void Real_sized_vocabularies_and_small_gaps_are_accepted()
    {
        // Gemma's 256,000 ids and Llama 3's 128,000 + 256 added tokens are dense; a test vocabulary may skip a few ids.
        var vocab = string.Join(", ", Enumerable.Range(0, 256_000).Select(i => $"\"t{i}\": {i}"));
        var large = TokenizerVocabulary.Parse(Encoding.UTF8.GetBytes("{\"model\": {\"vocab\": {" + vocab + "}}, \"added_tokens\": [{\"id\": 256000, \"content\": \"<pad>\"}]}"), "big.json");
        var gap = TokenizerVocabulary.Parse("""{"model": {"vocab": {"a": 0, "b": 65539}}}"""u8.ToArray(), "gap.json");

        Assert.Equal(256_001, large.Size);
        Assert.Equal(65_540, gap.Size);
    }

    [Fact]
    public void A_unigram_vocabulary_numbers_its_pieces_by_position()
    {
        const string Json = """{"added_tokens": [{"id": 3, "content": "<extra>", "special": false}], "model": {"type": "Unigram", "vocab": [["<unk>", 0.0], ["▁a", -1.5], ["b", -2.0]]}}""";

        var vocabulary = TokenizerVocabulary.Parse(Encoding.UTF8.GetBytes(Json), "t.json");

        Assert.Equal(["<unk>", "▁a", "b", "<extra>"], vocabulary.Tokens.Select(t => t.Content));
        Assert.Equal(4, vocabulary.Size);
        Assert.Equal(new AddedTokenEntry(3, "<extra>", Special: false), vocabulary.Tokens[3].Added);
    }

    [Theory]
    [InlineData("{ nope", "m/tokenizer.json: not valid JSON: ")]
    [InlineData("[1, 2]", "m/tokenizer.json: expected a JSON object at the top level")]
    [InlineData("""{"model": {"type": "BPE"}}""", "m/tokenizer.json: model.vocab is missing")]
    [InlineData("""{"model": {"vocab": {"a": "zero"}}}""", "m/tokenizer.json: model.vocab[\"a\"]: expected a non-negative integer id, got \"zero\"")]
    [InlineData("""{"model": {"vocab": {"a": 0, "b": 0}}}""", "m/tokenizer.json: model.vocab: id 0 is given to both \"a\" and \"b\"")]
    [InlineData("""{"model": {"vocab": [["a", 0.0], 7]}}""", "m/tokenizer.json: model.vocab[1]: expected [piece, score], got 7")]
    [InlineData("""{"added_tokens": [{"content": "x"}], "model": {"vocab": {"a": 0}}}""", "m/tokenizer.json: added_tokens[0]: expected {\"id\": <non-negative integer>, \"content\": <text>, ...}")]
    [InlineData("""{"added_tokens": [{"id": 0, "content": "x"}], "model": {"vocab": {"a": 0}}}""", "m/tokenizer.json: added_tokens[0]: id 0 is \"x\" here but \"a\" in model.vocab")]
    public void A_malformed_file_is_refused_naming_it_and_the_key(string json, string expected)
    {
        var e = Assert.Throws<TokenizerException>(() => TokenizerVocabulary.Parse(Encoding.UTF8.GetBytes(json), "m/tokenizer.json"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }
}

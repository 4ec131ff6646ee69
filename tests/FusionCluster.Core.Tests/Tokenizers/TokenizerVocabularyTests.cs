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

using System.Text.Json;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Tensors;
using FusionCluster.Core.Tokenizers;
using static FusionCluster.Core.Tests.Planning.PlanningFixtures;
using static FusionCluster.Core.Tests.Tokenizers.UnionFixtures;

namespace FusionCluster.Core.Tests.Planning;

public sealed class MergePlannerTokenizerTests
{
    private const string Embed = "model.embed_tokens.weight";

    private static Dictionary<string, ModelInfo> UnionModels(int ftBRows = 9) => Models(
        Llama("base", 1, vocab: 8) with { Vocabulary = Vocabulary(BaseVocabulary) },
        Llama("ft-a", 1, vocab: 10) with { Vocabulary = Vocabulary(FtAVocabulary, FtAAdded) },
        Llama("ft-b", 1, vocab: ftBRows) with { Vocabulary = Vocabulary(FtBVocabulary) });

    private static RowMap Rows(TensorPlan tensor, string model) =>
        tensor.Inputs.Concat(tensor.Base is null ? [] : [tensor.Base]).Single(i => i.Model == model).Rows
        ?? throw new InvalidOperationException($"{model} has no row map");

    [Fact]
    public void Union_appends_the_missing_tokens_in_model_order_then_id_and_pads()
    {
        var plan = Plan(Spec + "tokenizer:\n  source: union\n  pad_to_multiple_of: 4\n", UnionModels());

        Assert.Equal("base", plan.TokenizerModel);
        Assert.Equal(
            [
                new AddedTokenEntry(8, "abc", Special: false),
                new AddedTokenEntry(9, "<|im_start|>", Special: true, Normalized: false),
                new AddedTokenEntry(10, "xyz", Special: false),
            ],
            plan.TokenizerAddedTokens);
        foreach (var name in new[] { Embed, "lm_head.weight" })
        {
            var tensor = Tensor(plan, name);
            Assert.Equal([12L, Hidden], tensor.Shape);
            Assert.Equal(12L * Hidden * 4, tensor.ByteLength);
        }

        Assert.Equal(12, plan.OutputConfig!["vocab_size"]!.GetValue<int>());
        Assert.Equal([Hidden, Hidden], Tensor(plan, "model.layers.0.self_attn.q_proj.weight").Shape);
        Assert.All(Tensor(plan, "model.layers.0.self_attn.q_proj.weight").Inputs, i => Assert.Null(i.Rows));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Each_models_rows_are_its_own_else_the_only_holders_else_the_bases_else_the_mean()
    {
        var embed = Tensor(Plan(Spec + "tokenizer:\n  source: union\n  pad_to_multiple_of: 4\n", UnionModels()), Embed);

        // base lacks abc (ft-a and ft-b have it: their mean), <|im_start|> (ft-a's alone) and xyz (ft-b's alone).
        var baseRows = Rows(embed, "base");
        Assert.Equal((12L, 11L), (baseRows.Rows, baseRows.RealRows));
        Assert.Equal([new RowSourceTensor("base", Embed), new RowSourceTensor("ft-a", Embed), new RowSourceTensor("ft-b", Embed)], baseRows.Sources);
        Assert.Equal([new RowRun(0, 8, 0, 0), new RowRun(9, 1, 1, 9), new RowRun(10, 1, 2, 8)], baseRows.Runs);
        var mean = Assert.Single(baseRows.Means);
        Assert.Equal(8, mean.Row);
        Assert.Equal([new RowReference(1, 8), new RowReference(2, 7)], mean.From);

        // ft-a has everything but xyz.
        var ftA = Rows(embed, "ft-a");
        Assert.Equal([new RowSourceTensor("ft-a", Embed), new RowSourceTensor("ft-b", Embed)], ftA.Sources);
        Assert.Equal([new RowRun(0, 10, 0, 0), new RowRun(10, 1, 1, 8)], ftA.Runs);
        Assert.Empty(ftA.Means);

        // ft-b: its own rows through its own ids (a and b swapped), bc from the base (two models have it, base among
        // them), <|im_start|> from ft-a.
        var ftB = Rows(embed, "ft-b");
        Assert.Equal([new RowSourceTensor("ft-b", Embed), new RowSourceTensor("base", Embed), new RowSourceTensor("ft-a", Embed)], ftB.Sources);
        Assert.Equal(
            [new RowRun(0, 3, 0, 0), new RowRun(3, 1, 0, 4), new RowRun(4, 1, 0, 3), new RowRun(5, 2, 0, 5), new RowRun(7, 1, 1, 7), new RowRun(8, 1, 0, 7), new RowRun(9, 1, 2, 9), new RowRun(10, 1, 0, 8)],
            ftB.Runs);
        Assert.Empty(ftB.Means);
    }

    [Fact]
    public void Without_padding_the_output_has_the_union_size()
    {
        var plan = Plan(Spec + "tokenizer_source: union\n", UnionModels());

        Assert.Equal([11L, Hidden], Tensor(plan, Embed).Shape);
        Assert.Equal((11L, 11L), (Rows(Tensor(plan, Embed), "base").Rows, Rows(Tensor(plan, Embed), "base").RealRows));
        Assert.Equal(11, plan.OutputConfig!["vocab_size"]!.GetValue<int>());
    }

    [Fact]
    public void An_embedding_of_more_than_int_max_rows_writes_its_row_count_as_vocab_size_not_a_negative_number()
    {
        // Headers only: no data is read while planning, so 2^31 rows cost nothing here.
        const long Rows = 1L << 31;
        ModelInfo Huge(string name)
        {
            var tensors = LlamaTensors(1);
            tensors[Embed] = new TensorHeader(DType.F32, [Rows, Hidden]);
            tensors["lm_head.weight"] = new TensorHeader(DType.F32, [Rows, Hidden]);
            return FromTensors(name, tensors, LlamaConfig(1));
        }

        var plan = Plan("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1.0}\n  - model: b\n    parameters: {weight: 1.0}\n", Models(Huge("a"), Huge("b")));

        Assert.Equal(Rows, plan.OutputConfig!["vocab_size"]!.GetValue<long>());
    }

    [Fact]
    public void A_token_whose_id_is_past_its_models_rows_counts_as_missing_and_one_nobody_has_gets_zeros()
    {
        // ft-b's embeddings stop at row 8, so its xyz (id 8) has no row: no model has xyz.
        var plan = Plan(Spec + "tokenizer_source: union\n", UnionModels(ftBRows: 8));

        Assert.Contains("'model.embed_tokens.weight' of 'ft-b' has 8 rows but its tokenizer has 1 tokens with larger ids; they count as missing from 'ft-b'", plan.Warnings);
        Assert.Contains("'model.embed_tokens.weight': 1 output tokens have no row in any model and get zeros: 'xyz'", plan.Warnings);
        var baseRows = Rows(Tensor(plan, Embed), "base");
        Assert.DoesNotContain(baseRows.Runs, r => r.Start + r.Count > 10);
        Assert.DoesNotContain(baseRows.Means, m => m.Row == 10);
    }

    [Fact]
    public void Models_that_share_one_tokenizer_keep_reading_their_tensors_as_stored()
    {
        var models = Models(
            Llama("base", 1, vocab: 8) with { Vocabulary = Vocabulary(BaseVocabulary) },
            Llama("ft-a", 1, vocab: 8) with { Vocabulary = Vocabulary(BaseVocabulary) },
            Llama("ft-b", 1, vocab: 8) with { Vocabulary = Vocabulary(BaseVocabulary) });

        var plan = Plan(Spec + "tokenizer_source: union\n", models);

        Assert.Empty(plan.TokenizerAddedTokens);
        Assert.All(AllTensors(plan).SelectMany(t => t.Inputs), i => Assert.Null(i.Rows));
        Assert.Equal([8L, Hidden], Tensor(plan, Embed).Shape);
    }

    [Fact]
    public void Base_source_with_padding_crops_as_before_and_pads_with_the_mean()
    {
        var models = Models(Llama("base", 1, vocab: 8), Llama("ft-a", 1, vocab: 10), Llama("ft-b", 1, vocab: 8));

        var plan = Plan(Spec + "tokenizer:\n  source: base\n  pad_to_multiple_of: 3\n", models);

        var embed = Tensor(plan, Embed);
        Assert.Equal([9L, Hidden], embed.Shape);
        Assert.Empty(plan.TokenizerAddedTokens);
        foreach (var model in new[] { "base", "ft-a", "ft-b" })
        {
            var rows = Rows(embed, model);
            Assert.Equal((9L, 8L), (rows.Rows, rows.RealRows));
            Assert.Equal([new RowSourceTensor(model, Embed)], rows.Sources);
            Assert.Equal([new RowRun(0, 8, 0, 0)], rows.Runs);
        }

        Assert.Equal(9, plan.OutputConfig!["vocab_size"]!.GetValue<int>());
        Assert.Contains(plan.Warnings, w => w.StartsWith("'model.embed_tokens.weight': embedding shapes differ", StringComparison.Ordinal));
    }

    [Fact]
    public void Padding_that_is_already_a_multiple_changes_nothing()
    {
        var models = Models(Llama("base", 1, vocab: 8), Llama("ft-a", 1, vocab: 8), Llama("ft-b", 1, vocab: 8));

        var plan = Plan(Spec + "tokenizer:\n  source: base\n  pad_to_multiple_of: 4\n", models);

        Assert.All(AllTensors(plan).SelectMany(t => t.Inputs), i => Assert.Null(i.Rows));
        Assert.Equal([8L, Hidden], Tensor(plan, Embed).Shape);
    }

    [Fact]
    public void The_row_maps_survive_the_plans_json_round_trip_to_the_grains()
    {
        var plan = Plan(Spec + "tokenizer:\n  source: union\n  pad_to_multiple_of: 4\n", UnionModels());

        var json = JsonSerializer.Serialize(plan);
        var back = JsonSerializer.Deserialize<MergePlan>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(Rows(Tensor(plan, Embed), "base").Runs, Rows(Tensor(back, Embed), "base").Runs);
        Assert.Equal(plan.TokenizerAddedTokens, back.TokenizerAddedTokens);
    }

    [Fact]
    public void Union_needs_every_models_vocabulary()
    {
        var models = Models(Llama("base", 1, vocab: 8) with { Vocabulary = Vocabulary(BaseVocabulary) }, Llama("ft-a", 1, vocab: 8), Llama("ft-b", 1, vocab: 8));

        var e = Assert.Throws<SpecException>(() => Plan(Spec + "tokenizer_source: union\n", models));

        Assert.Contains("model 'ft-a'", e.Message, StringComparison.Ordinal);
    }

    private const string WithTokens = Spec + """
        tokenizer:
          source: union
          tokens:
            xyz: {source: {kind: zero}}
            abc:
              source: {kind: model_token, model: ft-b, token: xyz}
              force: true
            bc: {source: ft-a}

        """;

    [Fact]
    public void Tokens_entries_choose_the_rows_of_models_that_lack_a_token_and_force_the_others()
    {
        var embed = Tensor(Plan(WithTokens, UnionModels()), Embed);

        // xyz: zeros for base and ft-a (no run, no mean), ft-b keeps its own row. abc: everyone takes ft-b's xyz row.
        var baseRows = Rows(embed, "base");
        Assert.Equal([new RowSourceTensor("base", Embed), new RowSourceTensor("ft-b", Embed), new RowSourceTensor("ft-a", Embed)], baseRows.Sources);
        Assert.Equal([new RowRun(0, 8, 0, 0), new RowRun(8, 1, 1, 8), new RowRun(9, 1, 2, 9)], baseRows.Runs);
        Assert.Empty(baseRows.Means);

        var ftA = Rows(embed, "ft-a");
        Assert.Equal([new RowSourceTensor("ft-a", Embed), new RowSourceTensor("ft-b", Embed)], ftA.Sources);
        Assert.Equal([new RowRun(0, 8, 0, 0), new RowRun(8, 1, 1, 8), new RowRun(9, 1, 0, 9)], ftA.Runs);

        // bc comes from ft-a rather than the base; ft-b's own abc row (7) is overridden by its xyz row (8).
        var ftB = Rows(embed, "ft-b");
        Assert.Equal([new RowSourceTensor("ft-b", Embed), new RowSourceTensor("ft-a", Embed)], ftB.Sources);
        Assert.Equal(
            [new RowRun(0, 3, 0, 0), new RowRun(3, 1, 0, 4), new RowRun(4, 1, 0, 3), new RowRun(5, 2, 0, 5), new RowRun(7, 1, 1, 7), new RowRun(8, 1, 0, 8), new RowRun(9, 1, 1, 9), new RowRun(10, 1, 0, 8)],
            ftB.Runs);
    }

    [Fact]
    public void A_tokens_entry_with_base_source_looks_tokens_up_in_the_copied_tokenizer()
    {
        var models = Models(
            Llama("base", 1, vocab: 8) with { Vocabulary = Vocabulary(BaseVocabulary) },
            Llama("ft-a", 1, vocab: 10) with { Vocabulary = Vocabulary(FtAVocabulary, FtAAdded) },
            Llama("ft-b", 1, vocab: 9) with { Vocabulary = Vocabulary(FtBVocabulary) });

        var plan = Plan(Spec + "tokenizer:\n  source: base\n  tokens:\n    a: {source: ft-b, force: true}\n", models);

        // "a" is id 3 in the base tokenizer and id 4 in ft-b's; rows are otherwise kept (cropped to 8).
        var embed = Tensor(plan, Embed);
        Assert.Equal([8L, Hidden], embed.Shape);
        Assert.Equal([new RowRun(0, 3, 0, 0), new RowRun(3, 1, 1, 4), new RowRun(4, 4, 0, 4)], Rows(embed, "base").Runs);
        Assert.Equal([new RowRun(0, 3, 0, 0), new RowRun(3, 1, 0, 4), new RowRun(4, 4, 0, 4)], Rows(embed, "ft-b").Runs);
    }

    [Theory]
    [InlineData("abc: {source: nope}", "tokenizer.tokens.'abc'.source: model 'nope' is not one of the merged models ('base', 'ft-a', 'ft-b')")]
    [InlineData("abc: {source: {kind: model_token, model: nope, token_id: 1}}", "tokenizer.tokens.'abc'.source: model 'nope' is not one of the merged models ('base', 'ft-a', 'ft-b')")]
    [InlineData("qqq: {source: ft-a}", "tokenizer.tokens.'qqq': 'qqq' is not a token of the union tokenizer")]
    [InlineData("abc: {source: base}", "tokenizer.tokens.'abc'.source: model 'base' has no token 'abc'")]
    [InlineData("abc: {source: {kind: model_token, model: ft-a, token: zzz}}", "tokenizer.tokens.'abc'.source: model 'ft-a' has no token 'zzz'")]
    [InlineData("abc: {source: {kind: model_token, model: ft-b, token_id: 9}}", "tokenizer.tokens.'abc'.source: token id 9 is past the 9 rows of 'model.embed_tokens.weight' in model 'ft-b'")]
    public void A_tokens_entry_that_names_something_missing_is_an_error(string entry, string expected)
    {
        var e = Assert.Throws<SpecException>(() => Plan(Spec + $"tokenizer:\n  tokens:\n    {entry}\n", UnionModels()));
        Assert.Equal(expected, e.Message);
    }
}

using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using static FusionCluster.TestSupport.TinyTokenizerCheckpoint;

namespace FusionCluster.Cli.Tests.Hosting;

/// <summary>
/// <c>tokenizer: {source: union, pad_to_multiple_of}</c> end to end: three tiny checkpoints with hand-written BPE
/// tokenizers, merged linearly (weights 1, 1, 2, normalised), checked row by row against hand-computed values.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedMergeUnionTokenizerTests
{
    private const int Base = 0;
    private const int FtA = 1;
    private const int FtB = 2;

    private static readonly string[] BaseVocabulary = ["<unk>", "<s>", "</s>", "a", "b", "c", "ab", "bc"];

    // Union: base's 0..7, then abc (8) and <|im_start|> (9) from ft-a, then xyz (10) from ft-b; padded to 12.
    private const string Spec = """
        merge_method: linear
        base_model: base
        models:
          - model: base
            parameters: {weight: 1.0}
          - model: ft-a
            parameters: {weight: 1.0}
          - model: ft-b
            parameters: {weight: 2.0}
        tokenizer:
          source: union
          pad_to_multiple_of: 4

        """;

    [Fact]
    public async Task Union_merges_aligned_embeddings_and_extends_the_base_tokenizer()
    {
        using var temp = new TempDirectory();
        WriteModels(temp);
        var output = temp.Combine("out");

        Merges.AssertSucceeded(await Merges.RunAsync(Spec, temp.Path, output));

        using var merged = CheckpointFolder.Open(output);
        var embed = Rows(merged, "model.embed_tokens.weight");
        Assert.Equal(12, embed.Length);

        // "a": every model has it, ft-b under id 4: (E0[3] + E1[3] + 2·E2[4]) / 4 = ([31, 32] + [131, 132] + 2·[241, 242]) / 4.
        AssertRow([161, 162], embed[3]);

        // "bc": ft-b lacks it and base has it, so ft-b takes the base row: (E0[7] + E1[7] + 2·E0[7]) / 4.
        AssertRow([(3 * 71 + 171) / 4f, (3 * 72 + 172) / 4f], embed[7]);

        // "abc": base lacks it, ft-a (id 8) and ft-b (id 7) share it, so base takes their mean.
        float[] abcMean = [(181 + 271) / 2f, (182 + 272) / 2f];
        AssertRow([(abcMean[0] + 181 + (2 * 271)) / 4, (abcMean[1] + 182 + (2 * 272)) / 4], embed[8]);

        // "<|im_start|>" is ft-a's alone and "xyz" ft-b's alone: every model takes that row, so the merge is it.
        AssertRow([Embedding(FtA, 9, 0), Embedding(FtA, 9, 1)], embed[9]);
        AssertRow([Embedding(FtB, 8, 0), Embedding(FtB, 8, 1)], embed[10]);

        // Padding rows are each model's mean real row; a linear merge of means is the mean of the merged rows.
        AssertRow(MeanOf(embed[..11]), embed[11]);

        // Every row, from the permutations written out.
        for (var t = 0; t < 11; t++)
        {
            AssertRow(Expected(t, Embedding), embed[t]);
        }

        var head = Rows(merged, "lm_head.weight");
        Assert.Equal(12, head.Length);
        for (var t = 0; t < 11; t++)
        {
            AssertRow(Expected(t, Head), head[t]);
        }

        AssertRow(MeanOf(head[..11]), head[11]);

        // Layers are merged as usual.
        var q = Rows(merged, "model.layers.0.self_attn.q_proj.weight");
        AssertRow([(0 + 1 + (2 * 2)) / 4f, (-1 + 0 + (2 * 1)) / 4f], q[0]);

        var config = ReadJson(output, "config.json");
        Assert.Equal(12, config["vocab_size"]!.GetValue<int>());

        var tokenizer = ReadJson(output, "tokenizer.json");
        Assert.Equal(
            ["<unk>:0", "<s>:1", "</s>:2", "abc:8", "<|im_start|>:9", "xyz:10"],
            tokenizer["added_tokens"]!.AsArray().Select(a => $"{a!["content"]}:{a["id"]}"));
        var decoder = ReadJson(output, "tokenizer_config.json")["added_tokens_decoder"]!.AsObject();
        Assert.Equal(["0", "1", "2", "8", "9", "10"], decoder.Select(p => p.Key));
        Assert.True(decoder["9"]!["special"]!.GetValue<bool>());
        Assert.False(decoder["10"]!["special"]!.GetValue<bool>());
        Checkpoints.AssertNoStaging(output);
    }

    [Fact]
    public async Task The_same_spec_and_inputs_give_byte_identical_output()
    {
        using var temp = new TempDirectory();
        WriteModels(temp);

        Merges.AssertSucceeded(await Merges.RunAsync(Spec, temp.Path, temp.Combine("one"), maxParallelUnits: 1));
        Merges.AssertSucceeded(await Merges.RunAsync(Spec, temp.Path, temp.Combine("two"), maxParallelUnits: 4));

        // The report records timings, and the manifest records the report's size: neither is part of the model.
        var names = Directory.GetFiles(temp.Combine("one")).Select(Path.GetFileName)
            .Where(n => n is not (MergeArtifacts.ReportFileName or MergeManifest.FileName)).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("tokenizer.json", names);
        Assert.Contains("model.safetensors", names);
        foreach (var name in names)
        {
            Assert.Equal(await File.ReadAllBytesAsync(temp.Combine("one", name!), TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(temp.Combine("two", name!), TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task A_model_with_only_a_sentencepiece_tokenizer_fails_union_naming_it()
    {
        using var temp = new TempDirectory();
        WriteModels(temp);
        Directory.Delete(temp.Combine("ft-b"), recursive: true);
        Write(temp.Combine("ft-b"), FtB, BaseVocabulary, tokenizerJson: false);
        var output = temp.Combine("out");

        var status = await Merges.RunAsync(Spec, temp.Path, output);

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("model 'ft-b' has no tokenizer.json", status.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
    }

    [Fact]
    public async Task Tokens_entries_replace_the_default_rows()
    {
        using var temp = new TempDirectory();
        WriteModels(temp);
        var output = temp.Combine("out");
        var spec = Spec + """
              tokens:
                xyz: {source: {kind: zero}}
                "<|im_start|>":
                  source: {kind: model_token, model: ft-b, token: a}
                  force: true

            """;

        Merges.AssertSucceeded(await Merges.RunAsync(spec, temp.Path, output));

        using var merged = CheckpointFolder.Open(output);
        var embed = Rows(merged, "model.embed_tokens.weight");

        // xyz: base and ft-a take zeros, ft-b (weight 2 of 4) keeps its own row 8.
        AssertRow([Embedding(FtB, 8, 0) / 2, Embedding(FtB, 8, 1) / 2], embed[10]);

        // <|im_start|>: forced, so every model (ft-a too) takes ft-b's row for "a" (id 4).
        AssertRow([Embedding(FtB, 4, 0), Embedding(FtB, 4, 1)], embed[9]);

        // Other tokens are unchanged.
        AssertRow(Expected(3, Embedding), embed[3]);
    }

    private static void WriteModels(TempDirectory temp)
    {
        Write(temp.Combine("base"), Base, BaseVocabulary);
        Write(temp.Combine("ft-a"), FtA, [.. BaseVocabulary, "abc"], [(9, "<|im_start|>", true)]);
        Write(temp.Combine("ft-b"), FtB, ["<unk>", "<s>", "</s>", "b", "a", "c", "ab", "abc", "xyz"]);
    }

    /// <summary>The merged row of output token <paramref name="t"/>, from each model's row for it (mergekit's default rules).</summary>
    private static float[] Expected(int t, Func<int, int, int, float> value)
    {
        float[] Row(int model, int row) => [value(model, row, 0), value(model, row, 1)];
        float[] Mean(float[] x, float[] y) => [(x[0] + y[0]) / 2, (x[1] + y[1]) / 2];

        var fromBase = t switch { < 8 => Row(Base, t), 8 => Mean(Row(FtA, 8), Row(FtB, 7)), 9 => Row(FtA, 9), _ => Row(FtB, 8) };
        var fromA = t < 10 ? Row(FtA, t) : Row(FtB, 8);
        var fromB = t switch { 3 => Row(FtB, 4), 4 => Row(FtB, 3), 7 => Row(Base, 7), 8 => Row(FtB, 7), 9 => Row(FtA, 9), 10 => Row(FtB, 8), _ => Row(FtB, t) };
        return [(fromBase[0] + fromA[0] + (2 * fromB[0])) / 4, (fromBase[1] + fromA[1] + (2 * fromB[1])) / 4];
    }

    private static float[] MeanOf(float[][] rows) =>
        [(float)rows.Average(r => (double)r[0]), (float)rows.Average(r => (double)r[1])];

    private static void AssertRow(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 3);
        }
    }

    private static float[][] Rows(CheckpointFolder folder, string tensor)
    {
        var entry = folder.GetEntry(tensor);
        var values = MemoryMarshal.Cast<byte, float>(Checkpoints.RawBytes(folder, tensor)).ToArray();
        var cols = (int)entry.Shape[^1];
        return values.Chunk(cols).ToArray();
    }

    private static JsonObject ReadJson(string folder, string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, name)))!.AsObject();
}

using System.Text.Json.Nodes;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tests.Tokenizers;
using FusionCluster.TestSupport;

namespace FusionCluster.Core.Tests.Execution;

/// <summary>From real checkpoint folders with tokenizer.json files through the catalog and planner to the tokenizer files a merge publishes.</summary>
public sealed class UnionTokenizerArtifactsTests : IDisposable
{
    private readonly TempDirectory temp = new("fusion-union-artifacts-");
    private readonly FolderArtifacts artifacts = new();

    [Fact]
    public async Task The_base_tokenizer_gets_the_other_models_tokens_as_added_tokens()
    {
        UnionFixtures.WriteCheckpoints(temp.Path);

        var (plan, files) = await MergeAsync(UnionFixtures.Spec + "tokenizer_source: union\nchat_template: chatml\n");

        var tokenizer = Json(files, "tokenizer.json");
        var added = tokenizer["added_tokens"]!.AsArray();
        Assert.Equal(
            ["<unk>", "<s>", "</s>", "abc", "<|im_start|>", "xyz"],
            added.Select(a => a!["content"]!.GetValue<string>()));
        Assert.Equal([0, 1, 2, 8, 9, 10], added.Select(a => a!["id"]!.GetValue<int>()));
        Assert.Equal([true, true, true, false, true, false], added.Select(a => a!["special"]!.GetValue<bool>()));
        Assert.Equal([false, false, false, true, false, true], added.Select(a => a!["normalized"]!.GetValue<bool>()));

        // The vocabulary and the rest of the file are the base's.
        var original = JsonNode.Parse(File.ReadAllText(temp.Combine("base", "tokenizer.json")))!.AsObject();
        Assert.True(JsonNode.DeepEquals(original["model"], tokenizer["model"]));
        Assert.Equal(original.Select(p => p.Key), tokenizer.Select(p => p.Key));

        var config = Json(files, "tokenizer_config.json");
        var decoder = config["added_tokens_decoder"]!.AsObject();
        Assert.Equal(["0", "1", "2", "8", "9", "10"], decoder.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"content": "<|im_start|>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false, "special": true}"""),
            decoder["9"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"content": "xyz", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false, "special": false}"""),
            decoder["10"]));
        Assert.Equal("<s>", config["bos_token"]!.GetValue<string>());
        Assert.Equal(2048, config["model_max_length"]!.GetValue<int>());
        Assert.Contains("<|im_start|>", config["chat_template"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(11, plan.OutputConfig!["vocab_size"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_published_files_are_the_same_bytes_every_time()
    {
        UnionFixtures.WriteCheckpoints(temp.Path);
        const string Yaml = UnionFixtures.Spec + "tokenizer:\n  pad_to_multiple_of: 4\n";

        var (_, first) = await MergeAsync(Yaml);
        var (_, second) = await MergeAsync(Yaml);

        Assert.Equal(first.Select(f => f.Name), second.Select(f => f.Name));
        Assert.All(first.Zip(second), pair => Assert.Equal(pair.First.Content, pair.Second.Content));
    }

    [Fact]
    public async Task Without_new_tokens_the_tokenizer_files_are_copied_byte_for_byte()
    {
        TinyTokenizerCheckpoint.Write(temp.Combine("base"), 0, UnionFixtures.BaseVocabulary);
        TinyTokenizerCheckpoint.Write(temp.Combine("ft-a"), 1, UnionFixtures.BaseVocabulary);
        TinyTokenizerCheckpoint.Write(temp.Combine("ft-b"), 2, ["<unk>", "<s>", "</s>", "c", "b", "a"]);

        var (_, files) = await MergeAsync(UnionFixtures.Spec + "tokenizer_source: union\n");

        foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
        {
            Assert.Equal(File.ReadAllBytes(temp.Combine("base", name)), files.Single(f => f.Name == name).Content);
        }
    }

    [Fact]
    public async Task A_model_without_tokenizer_json_fails_union_naming_the_model()
    {
        UnionFixtures.WriteCheckpoints(temp.Path);
        Directory.Delete(temp.Combine("ft-b"), recursive: true);
        TinyTokenizerCheckpoint.Write(temp.Combine("ft-b"), 2, UnionFixtures.FtBVocabulary, tokenizerJson: false);

        var e = await Assert.ThrowsAsync<SpecException>(() => MergeAsync(UnionFixtures.Spec + "tokenizer_source: union\n"));

        Assert.StartsWith("tokenizer source union: model 'ft-b' has no tokenizer.json in ", e.Message, StringComparison.Ordinal);
        Assert.Contains("(it has only a sentencepiece tokenizer.model)", e.Message, StringComparison.Ordinal);
        Assert.Contains("union reads every input model's fast-tokenizer tokenizer.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_tokenizer_json_fails_union_naming_the_model_and_file()
    {
        UnionFixtures.WriteCheckpoints(temp.Path);
        File.WriteAllText(temp.Combine("ft-a", "tokenizer.json"), """{"model": {"type": "BPE"}}""");

        var e = await Assert.ThrowsAsync<SpecException>(() => MergeAsync(UnionFixtures.Spec + "tokenizer_source: union\n"));

        Assert.StartsWith("tokenizer source union: model 'ft-a': ", e.Message, StringComparison.Ordinal);
        Assert.Contains("ft-a/tokenizer.json: model.vocab is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_sources_do_not_read_tokenizer_json()
    {
        UnionFixtures.WriteCheckpoints(temp.Path);
        File.WriteAllText(temp.Combine("ft-a", "tokenizer.json"), "not json");

        var (plan, _) = await MergeAsync(UnionFixtures.Spec + "tokenizer:\n  source: base\n  pad_to_multiple_of: 4\n");

        Assert.Empty(plan.TokenizerAddedTokens);
        Assert.Equal(8, plan.OutputConfig!["vocab_size"]!.GetValue<int>());
    }

    public void Dispose()
    {
        artifacts.Dispose();
        temp.Dispose();
    }

    private static JsonObject Json(IReadOnlyList<PublishedFile> files, string name) =>
        JsonNode.Parse(files.Single(f => f.Name == name).Content)!.AsObject();

    private Task<(MergePlan Plan, IReadOnlyList<PublishedFile> Files)> MergeAsync(string yaml) => artifacts.BuildAsync(yaml, temp.Path);
}

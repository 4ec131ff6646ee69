using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary><c>fusion ensemble</c> and <c>fusion eval</c> of an ensemble, end to end through the real executable.</summary>
public sealed class EnsembleCommandProcessTests
{
    [Fact]
    public async Task An_ensemble_of_two_trained_llamas_is_evaluated_like_a_model_and_mixes_their_probabilities()
    {
        using var temp = new TempDirectory();
        var text = temp.Combine("text.txt");
        await File.WriteAllTextAsync(text, "the quick brown fox jumps over a lazy dog. the dog sleeps.", TestContext.Current.CancellationToken);
        string[] size = ["--layers", "1", "--hidden", "16", "--heads", "2", "--kv-heads", "1", "--ffn", "32", "--context", "16", "--steps", "3"];
        var trainA = await FusionProcess.RunAsync(["train", "--arch", "llama", "--text", "/usr/share/common-licenses/GPL-3", "--out", temp.Combine("a"), "--seed", "1", .. size]);
        var trainB = await FusionProcess.RunAsync(["train", "--arch", "llama", "--text", "/usr/share/common-licenses/GPL-3", "--out", temp.Combine("b"), "--seed", "2", .. size]);
        Assert.True(trainA.ExitCode == 0 && trainB.ExitCode == 0, trainA.Stderr + trainB.Stderr);

        var ensemble = await FusionProcess.RunAsync("ensemble", temp.Combine("a"), temp.Combine("b"), "--out", temp.Combine("ens"), "--weights", "1,3");
        var evalA = await FusionProcess.RunAsync("eval", temp.Combine("a"), "--text", text, "--json");
        var evalB = await FusionProcess.RunAsync("eval", temp.Combine("b"), "--text", text, "--json");
        var evalEnsemble = await FusionProcess.RunAsync("eval", temp.Combine("ens"), "--text", text, "--json");

        Assert.True(ensemble.ExitCode == 0, ensemble.Stderr);
        Assert.Contains("2 language model(s) sharing a tokenizer", ensemble.Stdout, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine("ens", "ensemble.json"), TestContext.Current.CancellationToken))!;
        Assert.Equal("../a", manifest["members"]![0]!["path"]!.GetValue<string>());
        Assert.Equal("mean-probs", manifest["rule"]!.GetValue<string>());
        Assert.True(evalEnsemble.ExitCode == 0, evalEnsemble.Stderr);
        var nllA = JsonNode.Parse(evalA.Stdout)!["nll"]!.GetValue<double>();
        var nllB = JsonNode.Parse(evalB.Stdout)!["nll"]!.GetValue<double>();
        var mixed = JsonNode.Parse(evalEnsemble.Stdout)!;
        // The mixture's log-loss is at most the weighted mean of the members' (log is concave).
        Assert.True(mixed["nll"]!.GetValue<double>() <= (0.25 * nllA) + (0.75 * nllB) + 1e-9, $"{mixed["nll"]} vs {nllA}, {nllB}");
        Assert.Equal(JsonNode.Parse(evalA.Stdout)!["tokens"]!.GetValue<double>(), mixed["tokens"]!.GetValue<double>());
    }

    [Fact]
    public async Task An_out_that_is_a_file_is_one_line_and_the_file_is_kept()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("afile");
        await File.WriteAllTextAsync(file, "mine", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(temp.Combine("a"));
        Directory.CreateDirectory(temp.Combine("b"));

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("ensemble", temp.Combine("a"), temp.Combine("b"), "--out", file);

        // Before: .NET's "The file '...' already exists."
        Assert.Equal(1, exitCode);
        Assert.Equal($"fusion: error: --out {file}: a file, not a folder", stderr.Trim());
        Assert.Equal("mine", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Members_that_do_not_fit_together_are_one_error_line_naming_the_member_and_nothing_is_written()
    {
        using var temp = new TempDirectory();
        var train = await FusionProcess.RunAsync("train", "--arch", "llama", "--text", "/usr/share/common-licenses/GPL-3", "--out", temp.Combine("a"), "--layers", "1", "--hidden", "16", "--heads", "2", "--kv-heads", "1", "--ffn", "32", "--context", "16", "--steps", "1");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Directory.CreateDirectory(temp.Combine("b"));
        File.Copy(temp.Combine("a", "config.json"), temp.Combine("b", "config.json"));
        File.Copy(temp.Combine("a", "model.safetensors"), temp.Combine("b", "model.safetensors"));
        // The same tokenizer but for its special token's text.
        var tokenizer = JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine("a", "tokenizer.json"), TestContext.Current.CancellationToken))!;
        tokenizer["added_tokens"]![0]!["content"] = "<|end|>";
        await File.WriteAllTextAsync(temp.Combine("b", "tokenizer.json"), tokenizer.ToJsonString(), TestContext.Current.CancellationToken);

        var mismatch = await FusionProcess.RunAsync("ensemble", temp.Combine("a"), temp.Combine("b"), "--out", temp.Combine("ens"));
        var vote = await FusionProcess.RunAsync("ensemble", temp.Combine("a"), "--out", temp.Combine("ens"), "--rule", "vote");
        var weights = await FusionProcess.RunAsync("ensemble", temp.Combine("a"), "--out", temp.Combine("ens"), "--weights", "1,2");

        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("member '../b' has a different tokenizer.json", mismatch.Stderr, StringComparison.Ordinal);
        // The file the errors point at does not exist: they say it was not written.
        Assert.Contains($"the ensemble to be written to {temp.Combine("ens", "ensemble.json")}: member", mismatch.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, vote.ExitCode);
        Assert.Contains("rule 'vote' gives no probabilities", vote.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, weights.ExitCode);
        Assert.Contains("2 weight(s) for 1 member(s)", weights.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("ens", "ensemble.json")));
    }
}

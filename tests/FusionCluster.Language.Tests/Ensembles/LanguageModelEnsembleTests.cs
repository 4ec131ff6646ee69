using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Language.Tests.Ensembles;

/// <summary>Perplexity of language-model ensembles through <see cref="PerplexityEvaluator"/>, on tiny checkpoints the tests write.</summary>
public sealed class LanguageModelEnsembleTests
{
    // The Metaspace tokenizer turns this into <s> ▁ab ▁c a ▁ab ▁c ▁ab: ids 1 9 10 4 9 10 9; one window predicts 9 10 4 9 10 9.
    private const string Text = "ab ca ab c ab";
    private static readonly int[] Targets = [9, 10, 4, 9, 10, 9];
    private static readonly Dictionary<int, double> A = new() { [9] = 0.5, [10] = 0.25, [4] = 0.125 };
    private static readonly Dictionary<int, double> B = new() { [9] = 0.1, [10] = 0.6, [4] = 0.2 };

    [Fact]
    public async Task A_two_member_mixture_on_a_tiny_vocabulary_matches_the_hand_computed_probabilities()
    {
        using var temp = new TempDirectory();
        // A predicts ▁ab (9) with 1/2, ▁c (10) with 1/4, a (4) with 1/8 at every position; B 1/10, 6/10, 2/10.
        var a = ConstantModel(temp.Combine("a"), A);
        var b = ConstantModel(temp.Combine("b"), B);
        File.WriteAllText(temp.Combine("text.txt"), Text);
        EnsembleManifest.Create(temp.Combine("probs"), [a, b], [1, 3], EnsembleRule.MeanProbs).Write();
        EnsembleManifest.Create(temp.Combine("logits"), [a, b], [1, 3], EnsembleRule.MeanLogits).Write();
        var evaluator = new PerplexityEvaluator(temp.Combine("text.txt"));

        var memberA = await evaluator.EvaluateAsync(a, TestContext.Current.CancellationToken);
        var probs = await evaluator.EvaluateAsync(temp.Combine("probs"), TestContext.Current.CancellationToken);
        var logits = await evaluator.EvaluateAsync(temp.Combine("logits"), TestContext.Current.CancellationToken);

        // Targets 9, 10, 4, 9, 10, 9. A alone: -(3 ln 1/2 + 2 ln 1/4 + ln 1/8) / 6 = 10 ln 2 / 6.
        Assert.Equal(10 * Math.Log(2) / 6, memberA["nll"], 5);
        // Mixture 1/4 A + 3/4 B: p(9) = .125 + .075 = .2, p(10) = .0625 + .45 = .5125, p(4) = .03125 + .15 = .18125.
        var mixtureNll = -((3 * Math.Log(0.2)) + (2 * Math.Log(0.5125)) + Math.Log(0.18125)) / 6;
        Assert.Equal(mixtureNll, probs["nll"], 5);
        Assert.Equal(Math.Exp(mixtureNll), probs["perplexity"], 4);
        Assert.Equal(6, probs["tokens"]);
        // Mean of logits (log-probabilities here): p(v) ∝ pA(v)^(1/4) pB(v)^(3/4), normalised over all 11 tokens.
        var geometric = Enumerable.Range(0, 11).Select(v => Math.Pow(Probability(A, v), 0.25) * Math.Pow(Probability(B, v), 0.75)).ToArray();
        var logitsNll = -Enumerable.Range(0, 6).Sum(t => Math.Log(geometric[Targets[t]] / geometric.Sum())) / 6;
        Assert.Equal(logitsNll, logits["nll"], 5);
    }

    [Fact]
    public async Task An_ensemble_of_one_model_or_of_two_copies_has_the_models_perplexity()
    {
        using var temp = new TempDirectory();
        var model = RandomModel(temp.Combine("model"), seed: 5);
        File.WriteAllText(temp.Combine("text.txt"), Text);
        EnsembleManifest.Create(temp.Combine("one"), [model], null, EnsembleRule.MeanProbs).Write();
        EnsembleManifest.Create(temp.Combine("copies-probs"), [model, model], [2, 1], EnsembleRule.MeanProbs).Write();
        EnsembleManifest.Create(temp.Combine("copies-logits"), [model, model], [2, 1], EnsembleRule.MeanLogits).Write();
        var evaluator = new PerplexityEvaluator(temp.Combine("text.txt"), context: 4);

        var alone = await evaluator.EvaluateAsync(model, TestContext.Current.CancellationToken);

        foreach (var ensemble in new[] { "one", "copies-probs", "copies-logits" })
        {
            var metrics = await evaluator.EvaluateAsync(temp.Combine(ensemble), TestContext.Current.CancellationToken);
            Assert.Equal(alone["perplexity"], metrics["perplexity"], 5);
            Assert.Equal(alone["tokens"], metrics["tokens"]);
            Assert.Equal(alone["windows"], metrics["windows"]);
        }
    }

    [Fact]
    public async Task A_context_past_a_members_max_position_embeddings_is_refused_naming_that_member()
    {
        using var temp = new TempDirectory();
        var members = new[] { RandomModel(temp.Combine("m1"), seed: 21), RandomModel(temp.Combine("m2"), seed: 22) };
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(members[1], "config.json")))!;
        config["max_position_embeddings"] = 4;
        File.WriteAllText(Path.Combine(members[1], "config.json"), config.ToJsonString());
        File.WriteAllText(temp.Combine("text.txt"), Text);
        EnsembleManifest.Create(temp.Combine("ens"), members, null, EnsembleRule.MeanProbs).Write();

        var fits = await new PerplexityEvaluator(temp.Combine("text.txt"), context: 4).EvaluateAsync(temp.Combine("ens"), TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<EvaluationException>(() => new PerplexityEvaluator(temp.Combine("text.txt"), context: 5).EvaluateAsync(temp.Combine("ens"), TestContext.Current.CancellationToken));

        Assert.True(fits["perplexity"] > 0);
        Assert.Contains($"{temp.Combine("ens", "ensemble.json")}: member '../m2': a context of 5 tokens is longer than max_position_embeddings in config.json (4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mixtures_log_loss_is_at_most_the_weighted_mean_of_its_members()
    {
        using var temp = new TempDirectory();
        var members = new[] { RandomModel(temp.Combine("m1"), seed: 11), RandomModel(temp.Combine("m2"), seed: 12), RandomModel(temp.Combine("m3"), seed: 13) };
        double[] weights = [0.2, 0.3, 0.5];
        File.WriteAllText(temp.Combine("text.txt"), Text + " c ab ca");
        EnsembleManifest.Create(temp.Combine("ens"), members, weights, EnsembleRule.MeanProbs).Write();
        var evaluator = new PerplexityEvaluator(temp.Combine("text.txt"), context: 5);

        var nll = new List<double>();
        foreach (var member in members)
        {
            nll.Add((await evaluator.EvaluateAsync(member, TestContext.Current.CancellationToken))["nll"]);
        }

        var ensemble = await evaluator.EvaluateAsync(temp.Combine("ens"), TestContext.Current.CancellationToken);

        // -log Σ w p ≤ Σ w (-log p) token by token (log is concave), so also on average; hence also ≤ the worst member.
        Assert.True(ensemble["nll"] <= weights.Zip(nll, (w, l) => w * l).Sum() + 1e-9, $"ensemble {ensemble["nll"]} vs members {string.Join(", ", nll)}");
        Assert.True(ensemble["perplexity"] <= Math.Exp(nll.Max()) + 1e-9);
        // The members differ, so mixing changes something.
        Assert.NotEqual(nll[0], ensemble["nll"], 3);
    }

    [Fact]
    public async Task Members_with_different_tokenizers_are_refused_naming_the_member()
    {
        using var temp = new TempDirectory();
        var a = RandomModel(temp.Combine("a"), seed: 1);
        var b = RandomModel(temp.Combine("b"), seed: 2);
        File.WriteAllText(Path.Combine(b, "tokenizer.json"), TokenizerFiles.MetaspaceWithBos.Replace("\"▁c\":10", "\"▁cc\":10", StringComparison.Ordinal));
        File.WriteAllText(temp.Combine("text.txt"), Text);
        EnsembleManifest.Create(temp.Combine("ens"), [a, b], null, EnsembleRule.MeanProbs).Write();

        var error = await Assert.ThrowsAsync<EvaluationException>(() => new PerplexityEvaluator(temp.Combine("text.txt")).EvaluateAsync(temp.Combine("ens"), TestContext.Current.CancellationToken));

        Assert.Contains("member '../b' has a different tokenizer.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_tokenizer_written_differently_is_the_same_tokenizer()
    {
        using var temp = new TempDirectory();
        var a = RandomModel(temp.Combine("a"), seed: 1);
        var b = RandomModel(temp.Combine("b"), seed: 2);
        // Reformatted: no indentation or line breaks; the JSON is the same.
        File.WriteAllText(Path.Combine(b, "tokenizer.json"), System.Text.Json.Nodes.JsonNode.Parse(TokenizerFiles.MetaspaceWithBos)!.ToJsonString());
        File.WriteAllText(temp.Combine("text.txt"), Text);
        EnsembleManifest.Create(temp.Combine("ens"), [a, b], null, EnsembleRule.MeanProbs).Write();

        var metrics = await new PerplexityEvaluator(temp.Combine("text.txt")).EvaluateAsync(temp.Combine("ens"), TestContext.Current.CancellationToken);

        Assert.Equal(6, metrics["tokens"]);
    }

    [Fact]
    public async Task Vote_is_refused_for_language_models()
    {
        using var temp = new TempDirectory();
        var a = RandomModel(temp.Combine("a"), seed: 1);
        File.WriteAllText(temp.Combine("text.txt"), Text);
        EnsembleManifest.Create(temp.Combine("ens"), [a], null, EnsembleRule.Vote).Write();

        var error = await Assert.ThrowsAsync<EvaluationException>(() => new PerplexityEvaluator(temp.Combine("text.txt")).EvaluateAsync(temp.Combine("ens"), TestContext.Current.CancellationToken));

        Assert.Contains("rule 'vote' gives no probabilities", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The given probabilities, and the rest of the mass shared equally by the other tokens of 11.</summary>
    private static double Probability(Dictionary<int, double> given, int token) =>
        given.TryGetValue(token, out var p) ? p : (1 - given.Values.Sum()) / (11 - given.Count);

    /// <summary>
    /// A llama whose next-token distribution is the same at every position: every embedding row is all ones, every
    /// attention and MLP weight zero (so each block adds nothing to the residual), the final norm maps the ones to
    /// ones (ε ≈ 0), and lm_head's row v is [ln p(v), 0, ...], so the logits are the log-probabilities.
    /// </summary>
    private static string ConstantModel(string folder, Dictionary<int, double> probabilities)
    {
        var spec = new TinyDecoderSpec { Vocab = 11, Hidden = 8, Heads = 2, KvHeads = 1, Layers = 1, Eps = 1e-30 };
        var weights = spec.Tensors().ToDictionary(t => t.Name, t => new float[t.Shape.Aggregate(1L, (x, y) => x * y)], StringComparer.Ordinal);
        foreach (var (name, values) in weights)
        {
            if (name.Contains("norm", StringComparison.Ordinal) || name == "model.embed_tokens.weight")
            {
                Array.Fill(values, 1f);
            }
        }

        for (var v = 0; v < 11; v++)
        {
            weights["lm_head.weight"][v * 8] = (float)Math.Log(Probability(probabilities, v));
        }

        TinyCheckpointWriter.Write(folder, spec, weights, bfloat16: false);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        return folder;
    }

    private static string RandomModel(string folder, int seed)
    {
        var spec = new TinyDecoderSpec { Vocab = 11, Hidden = 8, Heads = 2, KvHeads = 1 };
        TinyCheckpointWriter.Write(folder, spec, TinyCheckpointWriter.RandomWeights(spec, seed, bfloat16: false), bfloat16: false);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        return folder;
    }
}

using System.Text.Json.Nodes;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Tests.Ensembles;

public sealed class EnsembleManifestTests
{
    [Fact]
    public void Members_are_written_relative_to_the_ensemble_and_read_back_as_full_paths()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("models", "a"));
        Directory.CreateDirectory(temp.Combine("models", "b"));

        EnsembleManifest.Create(temp.Combine("ens"), [temp.Combine("models", "a"), temp.Combine("models", "b")], [1, 3], EnsembleRule.MeanLogits).Write();

        var json = JsonNode.Parse(File.ReadAllText(temp.Combine("ens", "ensemble.json")))!;
        Assert.Equal("../models/a", json["members"]![0]!["path"]!.GetValue<string>());
        Assert.Equal("mean-logits", json["rule"]!.GetValue<string>());
        var read = EnsembleManifest.Read(temp.Combine("ens"));
        Assert.Equal([temp.Combine("models", "a"), temp.Combine("models", "b")], read.Members.Select(m => m.Folder));
        Assert.Equal([0.25, 0.75], read.NormalizedWeights);
        Assert.Equal(EnsembleRule.MeanLogits, read.Rule);
        Assert.True(EnsembleManifest.IsEnsemble(temp.Combine("ens")));
        Assert.False(EnsembleManifest.IsEnsemble(temp.Combine("models", "a")));
    }

    [Fact]
    public void Absolute_member_paths_and_missing_weights_are_accepted()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("a"));
        Write(temp.Combine("ens"), $$"""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"{{temp.Combine("a")}}"},{"path":"../a","weight":1}]}""");

        var read = EnsembleManifest.Read(temp.Combine("ens"));

        Assert.Equal([temp.Combine("a"), temp.Combine("a")], read.Members.Select(m => m.Folder));
        Assert.Equal([0.5, 0.5], read.NormalizedWeights);
    }

    [Theory]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"../a"}],"extra":1}""", "unknown key 'extra'")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"../a","wieght":1}]}""", "unknown key 'members[0].wieght'")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"median","members":[{"path":"../a"}]}""", "'rule' must be")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[]}""", "'members' must be a non-empty list")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"../a","weight":-1}]}""", "members[0].weight: weight -1")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"../a","weight":0}]}""", "the weights sum to 0")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"../a","weight":1e308},{"path":"../a","weight":1e308}]}""", "the weights sum to more than a double holds")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"../missing"}]}""", "members[0] '../missing': no such model folder")]
    [InlineData("""{"format":"other","version":1,"rule":"mean-probs","members":[{"path":"../a"}]}""", "'format' must be")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"format":"fusioncluster-ensemble","version":1,"rule":"mean-probs","members":[{"path":"../a"}],"members":[{"path":"../a"}]}""", "not valid JSON: Duplicate property 'members'")]
    public void A_bad_ensemble_json_is_an_error_naming_the_file_and_key(string json, string expected)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("a"));
        Write(temp.Combine("ens"), json);

        var error = Assert.Throws<EvaluationException>(() => EnsembleManifest.Read(temp.Combine("ens")));

        Assert.Contains(temp.Combine("ens", "ensemble.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ensemble_cannot_be_a_member_of_another()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("a"));
        EnsembleManifest.Create(temp.Combine("inner"), [temp.Combine("a")], null, EnsembleRule.MeanProbs).Write();

        var nested = Assert.Throws<EvaluationException>(() => EnsembleManifest.Create(temp.Combine("outer"), [temp.Combine("a"), temp.Combine("inner")], null, EnsembleRule.MeanProbs));
        var itself = Assert.Throws<EvaluationException>(() => EnsembleManifest.Create(temp.Combine("a"), [temp.Combine("a")], null, EnsembleRule.MeanProbs));

        Assert.Contains("member 2 '../inner': is an ensemble itself", nested.Message, StringComparison.Ordinal);
        Assert.Contains("is an ensemble itself", itself.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_must_match_the_members()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("a"));

        var error = Assert.Throws<EvaluationException>(() => EnsembleManifest.Create(temp.Combine("ens"), [temp.Combine("a")], [1, 2], EnsembleRule.MeanProbs));

        Assert.Contains("2 weight(s) for 1 member(s)", error.Message, StringComparison.Ordinal);
    }

    private static void Write(string folder, string json)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "ensemble.json"), json);
    }
}

using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Hosting;

[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedMergeValueTests(SyntheticModels models)
{
    private const string LinearSpec = """
        merge_method: linear
        models:
          - model: base
            parameters:
              weight: 1.0
          - model: ft-1
            parameters:
              weight: 1.0
          - model: ft-2
            parameters:
              weight: 1.0
        parameters:
          normalize: true
        dtype: bfloat16
        """;

    [Fact]
    public async Task Linear_with_equal_weights_is_the_bf16_rounded_mean_of_the_inputs()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var status = await Merges.RunAsync(LinearSpec, models.Root, output);

        Merges.AssertSucceeded(status);
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "config.json")));
        Assert.True(File.Exists(Path.Combine(output, "fusion-report.json")));
        Checkpoints.AssertNoStaging(output);
        AssertIsMeanOfInputs(output, models);

        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "fusion-report.json"), TestContext.Current.CancellationToken))!;
        Assert.Equal("linear", report["method"]!.GetValue<string>());
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "config.json"), TestContext.Current.CancellationToken))!;
        Assert.Equal(SyntheticModels.Shape.Layers, config["num_hidden_layers"]!.GetValue<int>());
        Assert.Equal("bfloat16", config["torch_dtype"]!.GetValue<string>());
    }

    /// <summary>Every output element is within one bf16 ulp of the rounded mean computed here in double (almost all exactly equal).</summary>
    internal static void AssertIsMeanOfInputs(string output, SyntheticModels models)
    {
        using var merged = CheckpointFolder.Open(output);
        using var a = CheckpointFolder.Open(models.Folder("base"));
        using var b = CheckpointFolder.Open(models.Folder("ft-1"));
        using var c = CheckpointFolder.Open(models.Folder("ft-2"));

        Assert.Equal(a.TensorNames.Order(StringComparer.Ordinal), merged.TensorNames.Order(StringComparer.Ordinal));
        long total = 0, exact = 0, inputsDiffer = 0;
        foreach (var name in a.TensorNames)
        {
            var (x, y, z) = (Checkpoints.Bf16Values(a, name), Checkpoints.Bf16Values(b, name), Checkpoints.Bf16Values(c, name));
            var actual = Checkpoints.Bf16Bits(merged, name);
            Assert.Equal(x.Length, actual.Length);
            for (var i = 0; i < actual.Length; i++)
            {
                var mean = (x[i] + y[i] + z[i]) / 3.0;
                var expected = Bf16.Round(mean);
                var distance = Bf16.UlpDistance(expected, actual[i]);

                // Within one bf16 ulp, or (where the inputs cancel) within float32 summation noise of the exact mean.
                var noise = 1e-6 * (Math.Abs(x[i]) + Math.Abs(y[i]) + Math.Abs(z[i]));
                Assert.True(
                    distance <= 1 || Math.Abs(Bf16.ToFloat(actual[i]) - mean) <= noise,
                    $"{name}[{i}]: expected {Bf16.ToFloat(expected)} (mean of {x[i]}, {y[i]}, {z[i]}), got {Bf16.ToFloat(actual[i])}");
                total++;
                exact += distance == 0 ? 1 : 0;
                inputsDiffer += x[i] != y[i] || y[i] != z[i] ? 1 : 0;
            }
        }

        // The fine-tunes really differ from the base, so the mean is not trivially any one input.
        Assert.True(inputsDiffer > total / 2, $"only {inputsDiffer} of {total} elements differ between inputs");
        Assert.True(exact >= total * 0.99, $"only {exact} of {total} elements exactly equal the rounded mean");
    }

    [Fact]
    public async Task Ties_matches_a_reference_implementation_written_here()
    {
        const string Spec = """
            merge_method: ties
            base_model: base
            models:
              - model: ft-1
                parameters:
                  weight: 1.0
                  density: 0.5
              - model: ft-2
                parameters:
                  weight: 0.5
                  density: 0.5
            parameters:
              normalize: true
            dtype: bfloat16
            """;
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var status = await Merges.RunAsync(Spec, models.Root, output);

        Merges.AssertSucceeded(status);
        using var merged = CheckpointFolder.Open(output);
        using var baseModel = CheckpointFolder.Open(models.Folder("base"));
        using var ft1 = CheckpointFolder.Open(models.Folder("ft-1"));
        using var ft2 = CheckpointFolder.Open(models.Folder("ft-2"));
        foreach (var name in new[] { "model.layers.1.self_attn.q_proj.weight", "model.layers.2.mlp.down_proj.weight", "model.embed_tokens.weight" })
        {
            AssertTies(
                name,
                Checkpoints.Bf16Values(baseModel, name),
                [Checkpoints.Bf16Values(ft1, name), Checkpoints.Bf16Values(ft2, name)],
                [1.0, 0.5],
                density: 0.5,
                Checkpoints.Bf16Bits(merged, name));
        }
    }

    /// <summary>
    /// Naive TIES: trim each task vector to its int(density·n) largest |δ|, elect the sign of Σ w·δ (0 → +),
    /// average the agreeing nonzero weighted deltas over their weights, add to the base. Elements whose |δ|
    /// equals the k-th largest may be kept or dropped (the selection among equal magnitudes is not specified),
    /// so every keep/drop combination of such elements is accepted.
    /// </summary>
    private static void AssertTies(string name, double[] baseValues, double[][] tuned, double[] weights, double density, ushort[] actual)
    {
        var n = baseValues.Length;
        var k = (int)(density * n);
        var m = tuned.Length;
        var deltas = tuned.Select(t => t.Select((v, i) => v - baseValues[i]).ToArray()).ToArray();
        var thresholds = deltas.Select(d => d.Select(Math.Abs).OrderDescending().ElementAt(k - 1)).ToArray();

        var ambiguous = 0;
        var exact = 0;
        for (var e = 0; e < n; e++)
        {
            var undecided = Enumerable.Range(0, m).Where(i => Math.Abs(deltas[i][e]) == thresholds[i]).ToList();
            ambiguous += undecided.Count > 0 ? 1 : 0;
            var best = int.MaxValue;
            for (var combo = 0; combo < 1 << undecided.Count; combo++)
            {
                var kept = new bool[m];
                for (var i = 0; i < m; i++)
                {
                    var slot = undecided.IndexOf(i);
                    kept[i] = slot >= 0 ? (combo & (1 << slot)) != 0 : Math.Abs(deltas[i][e]) > thresholds[i];
                }

                var weighted = Enumerable.Range(0, m).Select(i => kept[i] ? weights[i] * deltas[i][e] : 0.0).ToArray();
                var sign = weighted.Sum() >= 0 ? 1 : -1;
                double mix = 0, div = 0;
                for (var i = 0; i < m; i++)
                {
                    if (weighted[i] != 0 && Math.Sign(weighted[i]) == sign)
                    {
                        mix += weighted[i];
                        div += weights[i];
                    }
                }

                var expected = Bf16.Round(baseValues[e] + (div == 0 ? 0 : mix / div));
                best = Math.Min(best, Bf16.UlpDistance(expected, actual[e]));
            }

            if (!(best <= 1))
            {
                Assert.Fail($"{name}[{e}]: got {Bf16.ToFloat(actual[e])}, base {baseValues[e]}, deltas {string.Join(", ", deltas.Select(d => d[e]))}");
            }

            exact += best == 0 ? 1 : 0;
        }

        // The comparison is meaningful: few elements sit on a threshold, and the merge is not the base.
        Assert.True(ambiguous < n / 4, $"{name}: {ambiguous} of {n} elements sit on a trim threshold");
        Assert.True(exact >= n * 0.98, $"{name}: only {exact} of {n} elements exactly match");
        var changed = Enumerable.Range(0, n).Count(e => Bf16.Round(baseValues[e]) != actual[e]);
        Assert.True(changed > n / 4, $"{name}: only {changed} of {n} elements differ from the base");
    }
}

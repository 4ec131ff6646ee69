using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// Weight matching end to end as merge jobs (align phase, then merge phase) on 1 silo and on 3 silos of the
/// in-process test cluster: a 784-512-512-10 MLP and a two-block llama at 7B widths divided by
/// FUSION_BENCH_LLAMA_DIVISOR (default 8: hidden 512, FFN 1376, 4/1 heads; 1 is full 7B widths), three models
/// each (the reference and two randomly permuted copies of it, so two align units can run in parallel).
/// Prints wall time and the process's peak RSS (every silo runs in this process) and checks the permutations
/// were undone (the merge equals the reference) and both topologies wrote the same bytes. A measurement:
/// <c>dotnet test tests/FusionCluster.Grains.Tests -c Release --filter "FullyQualifiedName~AlignJobBenchmark"</c>.
/// </summary>
[Trait("Category", "Measurement")]
public sealed class AlignJobBenchmark
{
    [Fact]
    public async Task Weight_matching_jobs_on_one_and_three_silos()
    {
        var divisor = int.TryParse(Environment.GetEnvironmentVariable("FUSION_BENCH_LLAMA_DIVISOR"), CultureInfo.InvariantCulture, out var d) ? d : 8;
        using var folder = new TempDirectory("fusion-align-bench-");
        var random = new Random(0);
        var mlp = new Dictionary<string, (long[] Shape, float[] Values)>(StringComparer.Ordinal);
        int[] widths = [784, 512, 512, 10];
        for (var layer = 0; layer + 1 < widths.Length; layer++)
        {
            mlp[$"layers.{layer}.weight"] = Random(random, [widths[layer + 1], widths[layer]]);
            mlp[$"layers.{layer}.bias"] = Random(random, [widths[layer + 1]]);
        }

        await MeasureAsync(folder.Combine("mlp"), "MLP 784-512-512-10", mlp, new JsonObject { ["model_type"] = "fusion-mnist-mlp" }, random);

        int hidden = 4096 / divisor, ffn = 11008 / divisor, heads = 32 / divisor, kvHeads = 8 / divisor;
        const int headDim = 128, vocab = 256, blocks = 2;
        var llama = new Dictionary<string, (long[] Shape, float[] Values)>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = Random(random, [vocab, hidden]),
            ["model.norm.weight"] = Random(random, [hidden]),
            ["lm_head.weight"] = Random(random, [vocab, hidden]),
        };
        for (var b = 0; b < blocks; b++)
        {
            var p = $"model.layers.{b}.";
            llama[p + "input_layernorm.weight"] = Random(random, [hidden]);
            llama[p + "post_attention_layernorm.weight"] = Random(random, [hidden]);
            llama[p + "self_attn.q_proj.weight"] = Random(random, [heads * headDim, hidden]);
            llama[p + "self_attn.k_proj.weight"] = Random(random, [kvHeads * headDim, hidden]);
            llama[p + "self_attn.v_proj.weight"] = Random(random, [kvHeads * headDim, hidden]);
            llama[p + "self_attn.o_proj.weight"] = Random(random, [hidden, heads * headDim]);
            llama[p + "mlp.gate_proj.weight"] = Random(random, [ffn, hidden]);
            llama[p + "mlp.up_proj.weight"] = Random(random, [ffn, hidden]);
            llama[p + "mlp.down_proj.weight"] = Random(random, [hidden, ffn]);
        }

        var config = new JsonObject
        {
            ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"), ["hidden_size"] = hidden, ["intermediate_size"] = ffn,
            ["num_attention_heads"] = heads, ["num_key_value_heads"] = kvHeads, ["head_dim"] = headDim, ["num_hidden_layers"] = blocks, ["vocab_size"] = vocab,
        };
        await MeasureAsync(folder.Combine("llama"), $"llama, 2 blocks, hidden {hidden}, FFN {ffn}, {heads}/{kvHeads} heads", llama, config, random);
    }

    private static async Task MeasureAsync(string folder, string label, Dictionary<string, (long[] Shape, float[] Values)> tensors, JsonObject config, Random random)
    {
        var cancellation = TestContext.Current.CancellationToken;
        Write(Path.Combine(folder, "reference"), tensors, config);
        using (var reference = CheckpointFolder.Open(Path.Combine(folder, "reference")))
        {
            var shapes = tensors.ToDictionary(t => t.Key, t => t.Value.Shape, StringComparer.Ordinal);
            var spec = PermutationSpecs.Resolve(config, shapes, null, label);
            foreach (var copy in new[] { "permuted-1", "permuted-2" })
            {
                var applied = spec.Groups.ToDictionary(g => g.Name, g => Shuffled(random, g.Size), StringComparer.Ordinal);
                PermutedCheckpointWriter.Write(reference, new PermutedTensorMap(spec, applied), Path.Combine(folder, copy), cancellation);
            }
        }

        var specText = "merge_method: linear\nmodels:\n  - {model: reference, parameters: {weight: 1}}\n  - {model: permuted-1, parameters: {weight: 1}}\n  - {model: permuted-2, parameters: {weight: 1}}\nalign: {method: weight_matching}\n";
        var outputs = new List<string>();
        foreach (var silos in new short[] { 1, 3 })
        {
            await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: silos);
            var clock = Stopwatch.StartNew();
            var output = Path.Combine(folder, $"merged-{silos}");
            var status = await JobRuns.RunAsync(cluster, $"bench-{silos}", new MergeRequest { SpecText = specText, SpecDirectory = folder, Output = output }, cancellation, timeout: TimeSpan.FromMinutes(30));
            var seconds = clock.Elapsed.TotalSeconds;
            Assert.True(status.State == JobState.Succeeded, status.Error);
            var units = await cluster.Client.GetGrain<IMergeJobGrain>($"bench-{silos}").GetUnits();
            var line = string.Create(CultureInfo.InvariantCulture,
                $"weight matching job, {label}, 3 models, {silos} silo(s): {seconds:F1} s wall, align units on {string.Join(", ", units.Where(u => u.Phase == "align").Select(u => u.Silo).Distinct())}, peak RSS {PeakRss() / (double)(1L << 30):F2} GiB");
            TestContext.Current.SendDiagnosticMessage(line);
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            outputs.Add(output);
        }

        // Aligned back, the three models are one: the average is the reference (up to float32 rounding of (x+x+x)/3).
        Assert.Equal(AlignedClassifiers.ModelFiles(outputs[0]), AlignedClassifiers.ModelFiles(outputs[1]));
        using var merged = CheckpointFolder.Open(outputs[0]);
        foreach (var (name, (shape, values)) in tensors)
        {
            var read = new float[values.Length];
            using (var source = merged.OpenTensor(name))
            {
                source.Read(0, read);
            }

            Assert.True(read.Zip(values).All(p => Math.Abs(p.First - p.Second) <= 1e-6f), $"{name} was not aligned back");
        }
    }

    private static long PeakRss()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static (long[], float[]) Random(Random random, long[] shape)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }

        return (shape, values);
    }

    private static int[] Shuffled(Random random, int size)
    {
        var permutation = Enumerable.Range(0, size).ToArray();
        random.Shuffle(permutation);
        return permutation;
    }

    private static void Write(string folder, Dictionary<string, (long[] Shape, float[] Values)> tensors, JsonObject config)
    {
        Directory.CreateDirectory(folder);
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var layout = SafetensorsLayout.Compute(names.Select(n => new TensorDescriptor(n, DType.F32, tensors[n].Shape)).ToList());
        using (var writer = SafetensorsWriter.Create(Path.Combine(folder, CheckpointFolder.SingleFileName), layout))
        {
            foreach (var name in names)
            {
                writer.OpenSink(name).Write(0, tensors[name].Values);
            }
        }

        File.WriteAllText(Path.Combine(folder, CheckpointFolder.ConfigFileName), config.ToJsonString());
    }
}

using System.Diagnostics;
using FusionCluster.Core.Formats;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;
using static TorchSharp.torch;

namespace FusionCluster.Language.Tests.Models;

public sealed class LanguageModelCheckpointTests
{
    [Fact]
    public void An_unsupported_model_type_is_named_with_the_file()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { ModelType = "gpt2" };
        TinyCheckpointWriter.Write(directory.Path, spec, TinyCheckpointWriter.RandomWeights(spec, 1, false), false);

        var error = Assert.Throws<LanguageModelException>(() => LanguageModelCheckpoint.Load(directory.Path));

        Assert.Contains("model_type 'gpt2'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(directory.Path, "config.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec();
        var weights = TinyCheckpointWriter.RandomWeights(spec, 1, false);
        Directory.CreateDirectory(directory.Path);
        File.WriteAllText(directory.Combine("config.json"), spec.ConfigJson());
        var kept = spec.Tensors().Where(t => t.Name != "model.layers.1.mlp.up_proj.weight").ToList();
        TinyCheckpointWriter.WriteSafetensors(directory.Combine("model.safetensors"), kept, weights, false);

        var error = Assert.Throws<LanguageModelException>(() => LanguageModelCheckpoint.Load(directory.Path));

        Assert.Contains("'model.layers.1.mlp.up_proj.weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20_000)]
    [InlineData(2_000_000_000)]
    public void A_config_claiming_far_more_layers_than_the_weights_fails_at_the_first_missing_tensor_before_building_the_model(int layers)
    {
        // The weights hold 2 layers. Building the model first made a module (and tensors) per claimed layer: 2e9 exhausts
        // memory, and even 20,000 takes far longer than the check.
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec();
        TinyCheckpointWriter.Write(directory.Path, spec, TinyCheckpointWriter.RandomWeights(spec, 1, false), false);
        File.WriteAllText(directory.Combine("config.json"), (spec with { Layers = layers }).ConfigJson());
        var started = Stopwatch.StartNew();

        var error = Assert.Throws<LanguageModelException>(() => LanguageModelCheckpoint.Load(directory.Path));

        Assert.StartsWith($"{directory.Path}: missing tensor 'model.layers.2.input_layernorm.weight' that config.json implies", error.Message, StringComparison.Ordinal);
        // Building the claimed 20,000 layers first took 43.7 s; a check before any module is built takes well under
        // a second, and the bound leaves room for a loaded machine.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
    }

    [Fact]
    public void A_config_json_over_the_limit_is_refused_naming_it_before_it_is_read()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec();
        TinyCheckpointWriter.Write(directory.Path, spec, TinyCheckpointWriter.RandomWeights(spec, 1, false), false);
        using (var config = File.Create(directory.Combine("config.json")))
        {
            // Sparse: no disk is written, and a reader that reads first would still spend the time and memory.
            config.SetLength(CheckpointJson.MaxFileBytes + 1);
        }

        var error = Assert.Throws<LanguageModelException>(() => LanguageModelCheckpoint.Load(directory.Path));

        Assert.StartsWith(directory.Combine("config.json") + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{CheckpointJson.MaxFileBytes}-byte limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_expected_tensors_computed_from_a_config_are_the_built_models_parameters_in_order()
    {
        // The pre-check uses names and shapes computed from the config; they must be exactly what the module creates.
        foreach (var spec in new[]
        {
            new TinyDecoderSpec(),
            new TinyDecoderSpec { Tied = true, Layers = 3, KvHeads = 1, HeadDim = 6 },
            new TinyDecoderSpec { ModelType = "qwen2" },
        })
        {
            var config = LanguageModelConfig.FromJson(System.Text.Json.Nodes.JsonNode.Parse(spec.ConfigJson())!.AsObject(), "config.json");
            foreach (var variant in new[] { config, config with { AttentionBias = true, OutputProjectionBias = true, MlpBias = true } })
            {
                using var model = new LlamaForCausalLM(variant, new Device(TorchSharp.DeviceType.META));

                Assert.Equal(
                    model.named_parameters().Select(p => (p.name, string.Join(",", p.parameter.shape))),
                    LanguageModelCheckpoint.ExpectedTensors(variant).Select(t => (t.Name, string.Join(",", t.Shape))));
            }
        }
    }

    [Fact]
    public async Task Loading_through_the_checkpoint_interface_gives_the_stored_weights_and_names_the_model_in_errors()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec();
        var weights = TinyCheckpointWriter.RandomWeights(spec, 5, false);
        TinyCheckpointWriter.Write(directory.Combine("good"), spec, weights, false);
        using (var checkpoint = CheckpointFolder.Open(directory.Combine("good")))
        using (var model = await LanguageModelCheckpoint.LoadAsync(checkpoint, "good-model", cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.All(model.named_parameters(), p => Assert.Equal(weights[p.name], p.parameter.data<float>().ToArray()));
        }

        Directory.CreateDirectory(directory.Combine("bad"));
        File.WriteAllText(directory.Combine("bad", "config.json"), spec.ConfigJson());
        TinyCheckpointWriter.WriteSafetensors(directory.Combine("bad", "model.safetensors"), [.. spec.Tensors().Where(t => t.Name != "model.norm.weight")], weights, false);
        using var bad = CheckpointFolder.Open(directory.Combine("bad"));

        var error = await Assert.ThrowsAsync<LanguageModelException>(() => LanguageModelCheckpoint.LoadAsync(bad, "bad-model", cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith($"model 'bad-model' ({directory.Combine("bad")}): missing tensor 'model.norm.weight'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_train_and_activations_are_exposed()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Layers = 2 };
        TinyCheckpointWriter.Write(directory.Path, spec, TinyCheckpointWriter.RandomWeights(spec, 3, false), false);
        using var model = LanguageModelCheckpoint.Load(directory.Path);
        var linearInputs = new List<(string Name, long[] Shape)>();
        var hiddenStates = new List<int>();
        var capture = new ActivationCapture
        {
            LinearInput = (name, input) => linearInputs.Add((name, input.shape)),
            HiddenState = (layer, _) => hiddenStates.Add(layer),
        };

        using var input = tensor(new long[] { 1, 2, 3, 4 }, [1, 4]);
        using var logits = model.Forward(input, capture);
        using var loss = logits.sum();
        loss.backward();

        Assert.Equal(spec.Tensors().Select(t => t.Name).Order(StringComparer.Ordinal), model.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal));
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
        Assert.Equal([0, 1], hiddenStates);
        Assert.Equal(15, linearInputs.Count); // 7 per layer and the head
        Assert.Equal("model.layers.1.mlp.down_proj", linearInputs[13].Name);
        Assert.Equal([1L, 4, spec.Ffn], linearInputs[13].Shape);
        Assert.Equal("lm_head", linearInputs[14].Name);
    }

    [Fact]
    public void Capturing_the_first_blocks_shows_exactly_the_activations_the_full_forward_shows_there()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Layers = 3 };
        TinyCheckpointWriter.Write(directory.Path, spec, TinyCheckpointWriter.RandomWeights(spec, 7, false), false);
        using var model = LanguageModelCheckpoint.Load(directory.Path);
        using var input = tensor(new long[] { 1, 2, 3, 4, 5, 6, 7, 8 }, [2, 4]);
        Dictionary<string, float[]> Seen(Action<ActivationCapture> run)
        {
            var seen = new Dictionary<string, float[]>(StringComparer.Ordinal);
            run(new ActivationCapture
            {
                LinearInput = (name, x) => seen[name] = x.contiguous().data<float>().ToArray(),
                HiddenState = (layer, x) => seen[$"hidden.{layer}"] = x.contiguous().data<float>().ToArray(),
            });
            return seen;
        }

        var full = Seen(capture =>
        {
            using var logits = model.Forward(input, capture);
        });
        var firstTwo = Seen(capture => model.Capture(input, capture, blocks: 2));

        // Blocks 0 and 1 only (7 linear inputs and one hidden state each), bit for bit; nothing of block 2 or the head.
        Assert.Equal(16, firstTwo.Count);
        Assert.All(firstTwo, pair => Assert.Equal(full[pair.Key], pair.Value));
        Assert.DoesNotContain(firstTwo.Keys, k => k.StartsWith("model.layers.2.", StringComparison.Ordinal) || k is "hidden.2" or "lm_head");
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Language.Training;

/// <summary>
/// Trains a small llama on a text, from scratch or by fine-tuning a checkpoint, and writes a complete
/// Hugging Face folder (config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
/// generation_config.json). Deterministic: initial weights (normal, std 0.02, as transformers initialises
/// llama) and the training windows come from one seeded <see cref="DeterministicRandom"/>, torch runs on a
/// fixed number of threads, so the same seed gives byte-identical files.
/// </summary>
public static class LanguageModelTrainer
{
    /// <summary>Written beside the weights: how the checkpoint was made (not read by anything).</summary>
    public const string ProvenanceFileName = "fusion-training.json";

    private const double InitialStandardDeviation = 0.02;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static LanguageTrainingSummary TrainAndSave(string text, LanguageTrainingOptions options, string outputFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var output = Path.GetFullPath(outputFolder);
        var random = new DeterministicRandom(options.Seed);
        var tokenizerJson = TokenizerFor(options);
        // Nothing goes into the output folder before training has succeeded: a failure leaves it as it was.
        using var tokenizer = HfTokenizer.FromBytes(Encoding.UTF8.GetBytes(tokenizerJson), options.Tokenizer ?? "the byte-level tokenizer");
        var ids = tokenizer.Encode(text);
        // Compared without adding one to the context: --context 2147483647 overflowed and passed.
        if (ids.Length <= options.Context)
        {
            throw new ArgumentException($"the text has {ids.Length} tokens; training windows of --context {options.Context} need at least {options.Context + 1L}");
        }

        JsonObject? baseConfig = null;
        LlamaForCausalLM model;
        if (options.BaseCheckpoint is { } baseFolder)
        {
            model = LanguageModelCheckpoint.Load(baseFolder);
            if (options.Context > model.Config.MaxPositionEmbeddings)
            {
                model.Dispose();
                // The fine-tune keeps its base's config.json, which could not be evaluated on windows this long.
                throw new ArgumentException($"--context {options.Context}: longer than max_position_embeddings of the base {baseFolder} ({model.Config.MaxPositionEmbeddings}), which the fine-tune keeps");
            }

            baseConfig = LanguageModelCheckpoint.ReadConfigJson(Path.Combine(Path.GetFullPath(baseFolder), CheckpointFolder.ConfigFileName));
            baseConfig["torch_dtype"] = "float32";
        }
        else
        {
            model = CreateInitialized(ConfigFor(options, tokenizer), random);
        }

        using (model)
        {
            if (ids.Max() >= model.Config.VocabSize)
            {
                throw new ArgumentException($"the tokenizer produces id {ids.Max()}, outside the model's vocabulary of {model.Config.VocabSize}");
            }

            var summary = Fit(model, ids, options, random, cancellationToken);
            Directory.CreateDirectory(output);
            File.WriteAllText(Path.Combine(output, HfTokenizer.FileName), tokenizerJson);
            LanguageModelCheckpoint.Save(output, model, baseConfig);
            WriteSideFiles(output, options, model.Config, summary);
            return summary;
        }
    }

    /// <summary>A model with every linear and embedding weight drawn from N(0, 0.02²) in parameter order, norms at 1.</summary>
    public static LlamaForCausalLM CreateInitialized(LanguageModelConfig config, DeterministicRandom random)
    {
        var model = new LlamaForCausalLM(config);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal))
            {
                parameter.fill_(1);
                continue;
            }

            var values = new float[parameter.numel()];
            for (var i = 0; i < values.Length; i += 2)
            {
                // Box-Muller: two independent standard normals from two uniforms.
                var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
                var angle = 2 * Math.PI * random.NextDouble();
                values[i] = (float)(InitialStandardDeviation * radius * Math.Cos(angle));
                if (i + 1 < values.Length)
                {
                    values[i + 1] = (float)(InitialStandardDeviation * radius * Math.Sin(angle));
                }
            }

            using var initial = tensor(values, parameter.shape);
            parameter.copy_(initial);
        }

        return model;
    }

    private static LanguageModelConfig ConfigFor(LanguageTrainingOptions options, HfTokenizer tokenizer) => new()
    {
        ModelType = "llama",
        HiddenSize = options.Hidden,
        IntermediateSize = options.Ffn,
        NumHiddenLayers = options.Layers,
        NumAttentionHeads = options.Heads,
        NumKeyValueHeads = options.KvHeads,
        HeadDim = options.Hidden / options.Heads,
        VocabSize = tokenizer.VocabularySize,
        MaxPositionEmbeddings = options.Context,
        RmsNormEps = 1e-5,
        BosTokenId = options.Tokenizer is null ? ByteLevelTokenizer.EndOfTextId : null,
        EosTokenIds = options.Tokenizer is null ? [ByteLevelTokenizer.EndOfTextId] : [],
    };

    private static string TokenizerFor(LanguageTrainingOptions options)
    {
        var given = options.BaseCheckpoint ?? options.Tokenizer;
        if (given is null)
        {
            return ByteLevelTokenizer.TokenizerJson().ToJsonString(Indented) + "\n";
        }

        // Loading checks that the file exists and that the tokenizers library accepts it.
        using var tokenizer = HfTokenizer.Load(given);
        return Encoding.UTF8.GetString(HfTokenizer.ReadFile(tokenizer.FilePath));
    }

    private static LanguageTrainingSummary Fit(LlamaForCausalLM model, int[] ids, LanguageTrainingOptions options, DeterministicRandom random, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using (TorchThreads.Use(options.Threads))
        {
            model.train();
            using var optimizer = new AdamOptimizer(model.parameters(), options.LearningRate);
            var context = options.Context;
            var vocabulary = model.Config.VocabSize;
            var tail = Math.Max(1, options.Steps / 10);
            double tailLoss = 0;
            for (var step = 0; step < options.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = new long[options.BatchSize * context];
                for (var b = 0; b < options.BatchSize; b++)
                {
                    var start = random.NextInt(ids.Length - context + 1);
                    for (var t = 0; t < context; t++)
                    {
                        batch[(b * context) + t] = ids[start + t];
                    }
                }

                using var scope = NewDisposeScope();
                var input = tensor(batch, [options.BatchSize, context]);
                optimizer.ZeroGrad();
                var logits = model.Forward(input);
                var loss = nn.functional.cross_entropy(logits.narrow(1, 0, context - 1).reshape(-1, vocabulary), input.narrow(1, 1, context - 1).reshape(-1));
                var value = loss.item<float>();
                if (!float.IsFinite(value))
                {
                    throw new TrainingDivergedException($"training diverged: the loss was {value} at step {step + 1}; try a learning rate below {options.LearningRate}");
                }

                loss.backward();
                optimizer.Step();
                if (step >= options.Steps - tail)
                {
                    tailLoss += value;
                }
            }

            if (FiniteWeights.FirstNotFinite(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))) is { } found)
            {
                throw new TrainingDivergedException($"training diverged in its last step: {found.Tensor} is no longer finite; try a learning rate below {options.LearningRate}");
            }

            model.eval();
            var parameters = (int)model.parameters().Sum(p => p.numel());
            return new LanguageTrainingSummary(ids.Length, options.Steps, tailLoss / tail, stopwatch.Elapsed.TotalSeconds, parameters);
        }
    }

    private static void WriteSideFiles(string output, LanguageTrainingOptions options, LanguageModelConfig config, LanguageTrainingSummary summary)
    {
        var baseTokenizerConfig = options.BaseCheckpoint is { } baseFolder ? Path.Combine(baseFolder, "tokenizer_config.json") : null;
        if (baseTokenizerConfig is not null && File.Exists(baseTokenizerConfig))
        {
            File.Copy(baseTokenizerConfig, Path.Combine(output, "tokenizer_config.json"), overwrite: true);
        }
        else
        {
            var tokenizerConfig = new JsonObject { ["tokenizer_class"] = "PreTrainedTokenizerFast", ["model_max_length"] = config.MaxPositionEmbeddings, ["clean_up_tokenization_spaces"] = false };
            if (options.BaseCheckpoint is null && options.Tokenizer is null)
            {
                tokenizerConfig["bos_token"] = ByteLevelTokenizer.EndOfText;
                tokenizerConfig["eos_token"] = ByteLevelTokenizer.EndOfText;
            }

            File.WriteAllText(Path.Combine(output, "tokenizer_config.json"), tokenizerConfig.ToJsonString(Indented) + "\n");
        }

        var generation = new JsonObject { ["do_sample"] = false };
        if (config.BosTokenId is { } bos)
        {
            generation["bos_token_id"] = bos;
        }

        if (config.EosTokenIds.Count > 0)
        {
            generation["eos_token_id"] = config.EosTokenIds.Count == 1 ? config.EosTokenIds[0] : new JsonArray(config.EosTokenIds.Select(id => (JsonNode)id).ToArray());
        }

        File.WriteAllText(Path.Combine(output, "generation_config.json"), generation.ToJsonString(Indented) + "\n");
        var provenance = new JsonObject
        {
            ["base_checkpoint"] = options.BaseCheckpoint is null ? null : Path.GetFullPath(options.BaseCheckpoint),
            ["tokenizer"] = options.Tokenizer is null ? null : Path.GetFullPath(options.Tokenizer),
            ["seed"] = options.Seed,
            ["steps"] = options.Steps,
            ["batch_size"] = options.BatchSize,
            ["context"] = options.Context,
            ["learning_rate"] = options.LearningRate,
            ["threads"] = options.Threads,
            ["text_tokens"] = summary.TextTokens,
            ["final_loss"] = summary.FinalLoss,
        };
        File.WriteAllText(Path.Combine(output, ProvenanceFileName), provenance.ToJsonString(Indented) + "\n");
    }
}

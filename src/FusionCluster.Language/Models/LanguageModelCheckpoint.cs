using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// Loads and saves <see cref="LlamaForCausalLM"/> as Hugging Face folders (config.json + safetensors, one
/// file or shards, any float dtype). Loading decodes one tensor at a time through a bounded staging buffer
/// straight into the parameter it belongs to, so memory is the float32 model plus a few MiB.
/// </summary>
public static class LanguageModelCheckpoint
{
    /// <summary>Elements decoded per staging copy (16 MiB of float32).</summary>
    private const int StagingElements = 1 << 22;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Reads and checks a folder's config.json (inside <paramref name="roots"/>, symlinks resolved, when given).</summary>
    public static LanguageModelConfig ReadConfig(string folder, LocalRoots? roots = null)
    {
        var path = Path.Combine(Path.GetFullPath(folder), CheckpointFolder.ConfigFileName);
        if (!File.Exists(path))
        {
            throw new LanguageModelException($"{path}: missing (a language model folder needs config.json)");
        }

        path = roots?.CheckFile(path, "config file") ?? path;

        return LanguageModelConfig.FromJson(CheckpointJson.ParseConfig(File.ReadAllBytes(path), path), path);
    }

    /// <summary>
    /// The model in <paramref name="folder"/> on <paramref name="device"/> (CPU by default), in eval mode. With
    /// <paramref name="roots"/> every file it reads, followed through symlinks, must lie inside them.
    /// </summary>
    public static LlamaForCausalLM Load(string folder, Device? device = null, LocalRoots? roots = null)
    {
        var config = ReadConfig(folder, roots);
        using var checkpoint = CheckpointFolder.Open(folder, roots ?? LocalRoots.Anywhere);
        var model = new LlamaForCausalLM(config, device);
        try
        {
            var parameters = model.named_parameters().ToList();
            var expected = parameters.Select(p => p.name).ToHashSet(StringComparer.Ordinal);
            var extra = checkpoint.TensorNames.FirstOrDefault(n => !expected.Contains(n) && !IsIgnorable(n, config));
            if (extra is not null)
            {
                throw new LanguageModelException($"{checkpoint.GetFilePath(extra)}: tensor '{extra}' is not part of a {config.ModelType} model with this config.json");
            }

            using var noGrad = no_grad();
            var staging = new float[StagingElements];
            foreach (var (name, parameter) in parameters)
            {
                if (!checkpoint.TryGetEntry(name, out var entry))
                {
                    throw new LanguageModelException($"{checkpoint.FolderPath}: missing tensor '{name}' that config.json implies ({config})");
                }

                var shape = parameter.shape;
                if (!entry.Shape.SequenceEqual(shape))
                {
                    throw new LanguageModelException($"{checkpoint.GetFilePath(name)}: tensor '{name}' has shape {entry.ShapeText}, but config.json implies [{string.Join(", ", shape)}]");
                }

                if (!entry.DType.IsFloatingPoint())
                {
                    throw new LanguageModelException($"{checkpoint.GetFilePath(name)}: tensor '{name}' is {entry.DType.SafetensorsName()}; weights must be floating point");
                }

                using var source = checkpoint.OpenTensor(name);
                using var flat = parameter.view(-1);
                for (long start = 0; start < entry.ElementCount; start += staging.Length)
                {
                    var length = (int)Math.Min(staging.Length, entry.ElementCount - start);
                    source.Read(start, staging.AsSpan(0, length));
                    using var host = tensor(staging, ScalarType.Float32);
                    using var chunk = host.narrow(0, 0, length);
                    using var target = flat.narrow(0, start, length);
                    target.copy_(chunk);
                }
            }

            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes model.safetensors (float32, parameters in name order) and config.json into <paramref name="folder"/>:
    /// <paramref name="config"/> when given (e.g. a fine-tuned base's own), else the model's as a llama config.
    /// </summary>
    public static void Save(string folder, LlamaForCausalLM model, JsonObject? config = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        var parameters = model.named_parameters().ToList();
        var layout = SafetensorsLayout.Compute(parameters.Select(p => new TensorDescriptor(p.name, DType.F32, p.parameter.shape)).ToList());
        using (var writer = SafetensorsWriter.Create(Path.Combine(full, CheckpointFolder.SingleFileName), layout))
        {
            foreach (var (name, parameter) in parameters)
            {
                using var values = parameter.detach().cpu().contiguous();
                writer.OpenSink(name).Write(0, values.data<float>().ToArray());
            }
        }

        File.WriteAllText(Path.Combine(full, CheckpointFolder.ConfigFileName), (config ?? model.Config.ToJson()).ToJsonString(Indented) + "\n");
    }

    // Old llama checkpoints store rotary tables, and tied models sometimes keep a copy of the embeddings as
    // lm_head; transformers ignores both, and so does this loader.
    private static bool IsIgnorable(string name, LanguageModelConfig config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieWordEmbeddings && name == "lm_head.weight");
}

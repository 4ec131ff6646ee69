using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
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

        return LanguageModelConfig.FromJson(ReadConfigJson(path, roots), path);
    }

    /// <summary>
    /// The model in <paramref name="folder"/> on <paramref name="device"/> (CPU by default), in eval mode. With
    /// <paramref name="roots"/> every file it reads, followed through symlinks, must lie inside them.
    /// </summary>
    public static LlamaForCausalLM Load(string folder, Device? device = null, LocalRoots? roots = null)
    {
        var config = ReadConfig(folder, roots);
        using var checkpoint = CheckpointFolder.Open(folder, roots ?? LocalRoots.Anywhere);

        // Checked before the model is built: building allocates every layer the config names.
        CheckTensors(config, checkpoint, checkpoint.FolderPath, checkpoint.GetFilePath);

        // A folder's tensors open synchronously (memory maps), so this wait never blocks.
        return FillAsync(new LlamaForCausalLM(config, device), checkpoint, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// The model stored in <paramref name="checkpoint"/> (a folder or a blob store, as a job's worker opens it) on
    /// <paramref name="device"/>, in eval mode; <paramref name="model"/> names it in errors.
    /// </summary>
    public static Task<LlamaForCausalLM> LoadAsync(ICheckpoint checkpoint, string model, Device? device = null, CancellationToken cancellationToken = default)
    {
        var (config, where) = ReadConfig(checkpoint, model);
        CheckTensors(config, checkpoint, where, _ => where);
        return FillAsync(new LlamaForCausalLM(config, device), checkpoint, cancellationToken);
    }

    /// <summary>
    /// The config of the model stored in <paramref name="checkpoint"/> and how errors name it (<paramref name="model"/>
    /// and the checkpoint's location).
    /// </summary>
    public static (LanguageModelConfig Config, string Where) ReadConfig(ICheckpoint checkpoint, string model)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var where = $"model '{model}' ({checkpoint.Location})";
        var config = LanguageModelConfig.FromJson(checkpoint.Config ?? throw new LanguageModelException($"{where}: missing config.json"), $"{where} config.json");
        return (config, where);
    }

    /// <summary>
    /// The config.json of a local folder as a JSON object, read through <see cref="CheckpointJson.ReadFile"/> (bounded,
    /// regular file, inside <paramref name="roots"/> when given); errors name the file.
    /// </summary>
    internal static JsonObject ReadConfigJson(string path, LocalRoots? roots = null)
    {
        byte[] bytes;
        try
        {
            bytes = CheckpointJson.ReadFile(path, roots, "config file");
        }
        catch (CheckpointException e)
        {
            throw new LanguageModelException(e.Message, e);
        }

        try
        {
            return CheckpointJson.ParseConfig(bytes, path);
        }
        catch (CheckpointException e)
        {
            throw new LanguageModelException(e.Message, e);
        }
    }

    /// <summary>
    /// The parameters (names and shapes, in the module's order) of a model with <paramref name="config"/>, computed from
    /// the config. Lists them all: call it only for a config whose checkpoint <see cref="CheckTensors"/> has accepted.
    /// </summary>
    internal static IReadOnlyList<(string Name, long[] Shape)> ExpectedTensors(LanguageModelConfig config) => [.. LlamaTensorLayout.Tensors(config)];

    /// <summary>
    /// Checks that <paramref name="checkpoint"/> holds exactly the tensors <paramref name="config"/> implies (besides
    /// ones transformers ignores), with their shapes and floating-point dtypes: every error before any weight is read
    /// or any module built. The expected tensors are walked lazily, so a config naming far more layers than the
    /// checkpoint holds fails at its first missing tensor. Returns them (see <see cref="ExpectedTensors"/>).
    /// </summary>
    internal static IReadOnlyList<(string Name, long[] Shape)> CheckTensors(LanguageModelConfig config, ICheckpoint checkpoint, string where, Func<string, string> fileOf)
    {
        var extra = checkpoint.TensorNames.FirstOrDefault(n => !LlamaTensorLayout.Contains(config, n) && !IsIgnorable(n, config));
        if (extra is not null)
        {
            throw new LanguageModelException($"{fileOf(extra)}: tensor '{extra}' is not part of a {config.ModelType} model with this config.json");
        }

        var names = checkpoint.TensorNames.ToHashSet(StringComparer.Ordinal);
        var expected = new List<(string Name, long[] Shape)>();
        foreach (var (name, shape) in LlamaTensorLayout.Tensors(config))
        {
            if (!names.Contains(name))
            {
                throw new LanguageModelException($"{where}: missing tensor '{name}' that config.json implies ({config})");
            }

            var entry = checkpoint.GetEntry(name);
            if (!entry.Shape.SequenceEqual(shape))
            {
                throw new LanguageModelException($"{fileOf(name)}: tensor '{name}' has shape {entry.ShapeText}, but config.json implies [{string.Join(", ", shape)}]");
            }

            if (!entry.DType.IsFloatingPoint())
            {
                throw new LanguageModelException($"{fileOf(name)}: tensor '{name}' is {entry.DType.SafetensorsName()}; weights must be floating point");
            }

            expected.Add((name, shape));
        }

        return expected;
    }

    /// <summary>Decodes the stored tensor <paramref name="name"/> into <paramref name="parameter"/> through <paramref name="staging"/>.</summary>
    internal static async Task CopyAsync(ICheckpoint checkpoint, string name, Tensor parameter, float[] staging, CancellationToken cancellationToken)
    {
        using var source = await checkpoint.OpenTensorAsync(name, cancellationToken);
        Copy(source, parameter, staging);
    }

    /// <summary>A buffer for <see cref="CopyAsync"/>.</summary>
    internal static float[] NewStaging() => new float[StagingElements];

    /// <summary>
    /// Copies every parameter from <paramref name="checkpoint"/>, which <see cref="CheckTensors"/> has accepted, into
    /// <paramref name="model"/> one tensor at a time; disposes the model on failure. Torch state (no_grad) is
    /// thread-local, so it lives only in the synchronous copy between awaits.
    /// </summary>
    private static async Task<LlamaForCausalLM> FillAsync(LlamaForCausalLM model, ICheckpoint checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            var parameters = model.named_parameters().ToList();
            var staging = NewStaging();
            foreach (var (name, parameter) in parameters)
            {
                await CopyAsync(checkpoint, name, parameter, staging, cancellationToken);
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

    /// <summary>Copies <paramref name="source"/>'s values into <paramref name="parameter"/> through <paramref name="staging"/>.</summary>
    internal static void Copy(TensorSource source, Tensor parameter, float[] staging)
    {
        using var noGrad = no_grad();
        using var flat = parameter.view(-1);
        var count = source.ElementCount;
        for (long start = 0; start < count; start += staging.Length)
        {
            var length = (int)Math.Min(staging.Length, count - start);
            source.Read(start, staging.AsSpan(0, length));
            using var host = tensor(staging, ScalarType.Float32);
            using var chunk = host.narrow(0, 0, length);
            using var target = flat.narrow(0, start, length);
            target.copy_(chunk);
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
                using var scope = NewDisposeScope();
                var values = parameter.detach().cpu().contiguous();
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

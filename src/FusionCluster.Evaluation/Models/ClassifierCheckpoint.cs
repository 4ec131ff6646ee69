using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Models;

/// <summary>Saves and loads classifiers as Hugging Face-style folders: model.safetensors (float32) and config.json.</summary>
public static class ClassifierCheckpoint
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the network's parameters and config into <paramref name="folder"/> (created if needed).</summary>
    public static void Save(string folder, ClassifierNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var shapes = network.Config.TensorShapes();
        var layout = SafetensorsLayout.Compute(shapes.Select(s => new TensorDescriptor(s.Name, DType.F32, s.Shape)).ToList());
        using (var writer = SafetensorsWriter.Create(Path.Combine(full, CheckpointFolder.SingleFileName), layout))
        {
            foreach (var (name, _) in shapes)
            {
                using var scope = NewDisposeScope();
                var values = parameters[name].detach().contiguous();
                writer.OpenSink(name).Write(0, values.data<float>().ToArray());
            }
        }

        File.WriteAllText(Path.Combine(full, CheckpointFolder.ConfigFileName), network.Config.ToJson().ToJsonString(Indented) + "\n");
    }

    /// <summary>
    /// Loads a classifier checkpoint (any float dtype, sharded or not, e.g. a merge output). The folder must hold
    /// exactly the tensors its config describes, with the same shapes; every error names the folder or file.
    /// With <paramref name="roots"/> the folder and every file it reads must resolve (symlinks included) inside them.
    /// </summary>
    /// <exception cref="StorageException">The folder or one of its files leads outside <paramref name="roots"/>.</exception>
    public static ClassifierNetwork Load(string folder, LocalRoots? roots = null)
    {
        using var checkpoint = CheckpointFolder.Open(folder, roots ?? LocalRoots.Anywhere);
        var config = ClassifierConfig.FromJson(checkpoint.Config, Path.Combine(checkpoint.FolderPath, CheckpointFolder.ConfigFileName));
        var expected = config.TensorShapes();
        var expectedNames = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var extra = checkpoint.TensorNames.FirstOrDefault(n => !expectedNames.Contains(n));
        if (extra is not null)
        {
            throw new CheckpointException($"{checkpoint.FolderPath}: tensor '{extra}' is not part of a {config.ArchitectureName} with this config.json");
        }

        var network = new ClassifierNetwork(config);
        try
        {
            var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            using var noGrad = no_grad();
            foreach (var (name, shape) in expected)
            {
                if (!checkpoint.TryGetEntry(name, out var entry))
                {
                    throw new CheckpointException($"{checkpoint.FolderPath}: missing tensor '{name}' that config.json implies");
                }

                if (!entry.Shape.SequenceEqual(shape))
                {
                    throw new CheckpointException($"{checkpoint.GetFilePath(name)}: tensor '{name}' has shape {entry.ShapeText}, but config.json implies [{string.Join(", ", shape)}]");
                }

                if (!entry.DType.IsFloatingPoint())
                {
                    throw new CheckpointException($"{checkpoint.GetFilePath(name)}: tensor '{name}' is {entry.DType.SafetensorsName()}; classifier weights must be floating point");
                }

                var values = new float[entry.ElementCount];
                using (var source = checkpoint.OpenTensor(name))
                {
                    source.Read(0, values);
                }

                using var loaded = tensor(values, shape);
                parameters[name].copy_(loaded);
            }

            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}

using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Networks;

/// <summary>
/// A classifier read from any stored checkpoint (a folder or a blob store, as a job's worker opens it) into
/// <see cref="ClassifierWeights"/>: exactly the tensors its config.json implies, floating point, any dtype
/// widened to float32. Errors name the model and tensor.
/// </summary>
public static class StoredClassifier
{
    public static async Task<ClassifierWeights> LoadAsync(ICheckpoint checkpoint, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var config = ClassifierConfig.FromJson(checkpoint.Config, $"model '{model}' ({checkpoint.Location}) config.json");
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, shape) in config.TensorShapes())
            {
                if (!checkpoint.TensorNames.Contains(name, StringComparer.Ordinal))
                {
                    throw new CheckpointException($"model '{model}': missing tensor '{name}' that its config.json implies");
                }

                var entry = checkpoint.GetEntry(name);
                if (!entry.Shape.SequenceEqual(shape) || !entry.DType.IsFloatingPoint())
                {
                    throw new CheckpointException($"model '{model}': tensor '{name}' is {entry.DType.SafetensorsName()} {entry.ShapeText}; its config.json implies floating point [{string.Join(", ", shape)}]");
                }

                var values = new float[entry.ElementCount];
                using (var source = await checkpoint.OpenTensorAsync(name, cancellationToken))
                {
                    source.Read(0, values);
                }

                tensors[name] = tensor(values, shape);
            }

            return new ClassifierWeights(config, tensors);
        }
        catch
        {
            foreach (var value in tensors.Values)
            {
                value.Dispose();
            }

            throw;
        }
    }
}

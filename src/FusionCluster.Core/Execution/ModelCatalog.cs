using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Execution;

/// <summary>Resolves a spec's models to local checkpoints and reads their headers (never tensor data).</summary>
public static class ModelCatalog
{
    public static IReadOnlyDictionary<string, ModelInfo> Load(MergeSpec spec, string specDirectory, CheckpointCache checkpoints)
    {
        var models = new Dictionary<string, ModelInfo>(StringComparer.Ordinal);
        foreach (var reference in spec.AllModels())
        {
            var path = ModelPath.ResolveLocal(reference, specDirectory);
            var folder = checkpoints.Get(path);
            var tensors = folder.TensorNames.ToDictionary(
                name => name,
                name => { var e = folder.GetEntry(name); return new TensorHeader(e.DType, e.Shape); },
                StringComparer.Ordinal);
            models[reference] = new ModelInfo(reference, path, folder.Config, tensors);
        }

        return models;
    }
}

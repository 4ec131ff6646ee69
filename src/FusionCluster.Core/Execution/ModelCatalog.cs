using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>Resolves a spec's models to stored checkpoints and reads their headers (never tensor data).</summary>
public static class ModelCatalog
{
    public static async Task<IReadOnlyDictionary<string, ModelInfo>> LoadAsync(
        MergeSpec spec, string specDirectory, ArtifactStores stores, CheckpointCache checkpoints, CancellationToken cancellationToken)
    {
        var models = new Dictionary<string, ModelInfo>(StringComparer.Ordinal);
        foreach (var reference in spec.AllModels())
        {
            string location;
            try
            {
                location = stores.Resolve(reference, specDirectory, mustExist: true);
            }
            catch (StorageException e)
            {
                throw new SpecException($"model '{reference}': {e.Message}");
            }

            var checkpoint = await checkpoints.GetAsync(location, cancellationToken);
            var tensors = checkpoint.TensorNames.ToDictionary(
                name => name,
                name => { var e = checkpoint.GetEntry(name); return new TensorHeader(e.DType, e.Shape); },
                StringComparer.Ordinal);
            models[reference] = new ModelInfo(reference, location, checkpoint.Config, tensors);
        }

        return models;
    }
}

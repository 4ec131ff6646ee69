using System.Text.Json.Nodes;

namespace FusionCluster.Alignment.Specs;

/// <summary>Chooses a model's permutation spec: a spec file when given, else one derived from config.json and tensor names.</summary>
public static class PermutationSpecs
{
    public static PermutationSpec Resolve(JsonObject? config, IReadOnlyDictionary<string, long[]> shapes, string? specFile, string model)
    {
        if (specFile is not null)
        {
            return YamlPermutationSpec.Load(specFile, shapes);
        }

        var modelType = config?["model_type"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (modelType is "fusion-mnist-mlp" or "fusion-mnist-cnn")
        {
            return ClassifierPermutationSpec.Derive(shapes, model);
        }

        if (LlamaPermutationSpec.Recognises(shapes))
        {
            return LlamaPermutationSpec.Derive(config, shapes, model);
        }

        throw new AlignmentException($"{model}: cannot derive a permutation spec (model_type '{modelType ?? "none"}' is neither a fusion classifier nor llama-family); pass --permutation-spec FILE");
    }
}

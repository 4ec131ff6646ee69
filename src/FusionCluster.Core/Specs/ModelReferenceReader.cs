using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Specs;

/// <summary>Reads mergekit's model references (base_model, models[].model, slice sources, tokenizer sources) from a merge spec.</summary>
internal sealed class ModelReferenceReader(YamlNodeReader yaml)
{
    private static readonly string[] ModelReferenceKeys = ["model", "lora", "override_architecture"];
    private static readonly string[] ModelPathKeys = ["path", "revision"];

    public string RequireModel(Dictionary<string, YamlNode> entry, YamlNode entryNode, string path)
    {
        if (!entry.TryGetValue("model", out var node) || IsNull(node))
        {
            throw yaml.Error(entryNode, $"{path}.model", "missing required key 'model'");
        }

        return ReadModelReference(node, $"{path}.model")!;
    }

    /// <summary>mergekit's ModelReference: a string <c>path[@revision][+lora]</c>, or {model: str | {path, revision}, lora, override_architecture}.</summary>
    public string? ReadModelReference(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is YamlMappingNode)
        {
            var map = yaml.ReadMapping(node, path, ModelReferenceKeys, "a model reference");
            if (map.TryGetValue("lora", out var lora) && !IsNull(lora))
            {
                throw yaml.Error(lora, $"{path}.lora", "LoRA inputs are not supported; merge the LoRA into its base model first and give that folder");
            }

            if (map.TryGetValue("override_architecture", out var arch) && !IsNull(arch))
            {
                throw yaml.Error(arch, $"{path}.override_architecture", "override_architecture is not supported");
            }

            if (!map.TryGetValue("model", out var inner) || IsNull(inner))
            {
                throw yaml.Error(node, $"{path}.model", "missing required key 'model'");
            }

            if (inner is YamlMappingNode)
            {
                var mp = yaml.ReadMapping(inner, $"{path}.model", ModelPathKeys, "a model path");
                if (mp.TryGetValue("revision", out var rev) && !IsNull(rev))
                {
                    throw yaml.Error(rev, $"{path}.model.revision", "revisions are not supported for local paths");
                }

                if (!mp.TryGetValue("path", out var p) || IsNull(p))
                {
                    throw yaml.Error(inner, $"{path}.model.path", "missing required key 'path'");
                }

                return ReadModelString(p, $"{path}.model.path");
            }

            return ReadModelString(inner, $"{path}.model");
        }

        return ReadModelString(node, path);
    }

    private string ReadModelString(YamlNode node, string path)
    {
        var text = yaml.ReadString(node, path)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw yaml.Error(node, path, "the model name is empty");
        }

        if (text.Contains('+', StringComparison.Ordinal))
        {
            throw yaml.Error(node, path, $"'{text}': model+lora references are not supported; merge the LoRA into its base model first and give that folder");
        }

        if (text.Contains('@', StringComparison.Ordinal))
        {
            throw yaml.Error(node, path, $"'{text}': revisions are not supported for local paths (drop the @revision suffix)");
        }

        return text;
    }
}

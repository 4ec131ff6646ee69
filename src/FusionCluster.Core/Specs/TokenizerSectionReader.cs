using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Specs;

/// <summary>Reads a merge spec's tokenizer choice: <c>tokenizer_source:</c>, or the <c>tokenizer:</c> section with its source, padding and token embeddings.</summary>
internal sealed class TokenizerSectionReader(YamlNodeReader yaml, ModelReferenceReader models)
{
    private static readonly string[] TokenizerKeys = ["source", "tokens", "pad_to_multiple_of"];
    private static readonly string[] TokenEntryKeys = ["source", "force"];
    private static readonly string[] TokenSourceKeys = ["kind", "model", "token", "token_id"];

    public (TokenizerSourceKind Kind, string? Model, int? PadToMultipleOf, List<TokenEmbeddingSpec> Tokens) Read(Dictionary<string, YamlNode> top)
    {
        var hasLegacy = top.TryGetValue("tokenizer_source", out var legacy) && !IsNull(legacy);
        var hasSection = top.TryGetValue("tokenizer", out var section) && !IsNull(section);
        if (hasLegacy && hasSection)
        {
            throw yaml.Error(section!, "tokenizer", "give either tokenizer_source: or tokenizer:, not both");
        }

        if (hasLegacy)
        {
            var (kind, model) = ReadTokenizerSource(legacy!, "tokenizer_source");
            return (kind, model, null, []);
        }

        if (!hasSection)
        {
            return (TokenizerSourceKind.Default, null, null, []);
        }

        var map = yaml.ReadMapping(section!, "tokenizer", TokenizerKeys, "the tokenizer section");
        var tokens = map.TryGetValue("tokens", out var tokensNode) ? ReadTokenEmbeddings(tokensNode) : [];

        int? padding = null;
        if (map.TryGetValue("pad_to_multiple_of", out var padNode) && !IsNull(padNode))
        {
            padding = yaml.ReadInt(padNode, "tokenizer.pad_to_multiple_of");
            if (padding < 1)
            {
                throw yaml.Error(padNode, "tokenizer.pad_to_multiple_of", $"expected a positive integer (e.g. 64), got {padding}");
            }
        }

        // mergekit's TokenizerConfig.source defaults to union.
        var (sourceKind, sourceModel) = map.TryGetValue("source", out var source) && !IsNull(source)
            ? ReadTokenizerSource(source, "tokenizer.source")
            : (TokenizerSourceKind.Union, null);
        return (sourceKind, sourceModel, padding, tokens);
    }

    private List<TokenEmbeddingSpec> ReadTokenEmbeddings(YamlNode node)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlMappingNode mapping)
        {
            throw yaml.Error(node, "tokenizer.tokens", $"expected a mapping of token text to {{source, force}}, got {Describe(node)}");
        }

        var result = new List<TokenEmbeddingSpec>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var token = yaml.ReadKey(keyNode, "tokenizer.tokens");
            var path = $"tokenizer.tokens.'{token}'";
            yaml.NoteKey(valueNode, keyNode);
            var entry = yaml.ReadMapping(valueNode, path, TokenEntryKeys, "a token embedding entry");
            var force = entry.TryGetValue("force", out var forceNode) && !IsNull(forceNode) && yaml.ReadBool(forceNode, $"{path}.force");
            if (!entry.TryGetValue("source", out var source) || IsNull(source))
            {
                result.Add(new TokenEmbeddingSpec(token, TokenEmbeddingSourceKind.Default, null, null, null, force));
                continue;
            }

            if (source is not YamlMappingNode)
            {
                result.Add(new TokenEmbeddingSpec(token, TokenEmbeddingSourceKind.Model, models.ReadModelReference(source, $"{path}.source"), null, null, force));
                continue;
            }

            var sourceMap = yaml.ReadMapping(source, $"{path}.source", TokenSourceKeys, "a token embedding source");
            var kind = sourceMap.TryGetValue("kind", out var kindNode) ? yaml.ReadString(kindNode, $"{path}.source.kind") : null;
            switch (kind)
            {
                case "zero":
                    foreach (var extra in new[] { "model", "token", "token_id" }.Where(sourceMap.ContainsKey))
                    {
                        throw yaml.Error(sourceMap[extra], $"{path}.source.{extra}", "kind: zero takes no other keys");
                    }

                    result.Add(new TokenEmbeddingSpec(token, TokenEmbeddingSourceKind.Zero, null, null, null, force));
                    break;
                case "model_token":
                    if (!sourceMap.TryGetValue("model", out var modelNode) || IsNull(modelNode))
                    {
                        throw yaml.Error(source, $"{path}.source.model", "missing required key 'model' (kind: model_token)");
                    }

                    var hasText = sourceMap.TryGetValue("token", out var textNode) && !IsNull(textNode);
                    var hasId = sourceMap.TryGetValue("token_id", out var idNode) && !IsNull(idNode);
                    if (hasText == hasId)
                    {
                        throw yaml.Error(source, $"{path}.source", "kind: model_token needs exactly one of token (text) or token_id");
                    }

                    int? id = hasId ? yaml.ReadInt(idNode!, $"{path}.source.token_id") : null;
                    if (id < 0)
                    {
                        throw yaml.Error(idNode!, $"{path}.source.token_id", $"expected a non-negative token id, got {id}");
                    }

                    result.Add(new TokenEmbeddingSpec(
                        token, TokenEmbeddingSourceKind.ModelToken, models.ReadModelReference(modelNode, $"{path}.source.model"),
                        hasText ? yaml.ReadString(textNode!, $"{path}.source.token") : null, id, force));
                    break;
                default:
                    throw yaml.Error(kindNode ?? source, $"{path}.source.kind", $"expected kind: model_token or kind: zero, got {(kind is null ? "no kind" : $"'{kind}'")}");
            }
        }

        return result;
    }

    private (TokenizerSourceKind Kind, string? Model) ReadTokenizerSource(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar)
        {
            switch (scalar.Value)
            {
                case "union":
                    return (TokenizerSourceKind.Union, null);
                case "base":
                    return (TokenizerSourceKind.Base, null);
            }
        }

        return (TokenizerSourceKind.Model, models.ReadModelReference(node, path));
    }
}

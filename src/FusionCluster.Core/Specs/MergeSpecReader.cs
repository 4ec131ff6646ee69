using System.Globalization;
using FusionCluster.Core.ChatTemplates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Specs;

/// <summary>
/// Walks the YAML representation model (rather than deserialising into classes) so that every error can
/// carry the line of the offending node and the key path that leads to it.
/// </summary>
internal sealed class MergeSpecReader(string sourceName)
{
    // Value node -> its key node, so an error about a block value (which starts on the line below) points at the key.
    private readonly Dictionary<YamlNode, YamlNode> keyOf = new(ReferenceEqualityComparer.Instance);

    private static readonly string[] TopLevelKeys =
    [
        "merge_method", "base_model", "models", "slices", "modules", "parameters", "dtype", "out_dtype",
        "tokenizer_source", "tokenizer", "chat_template", "name",
    ];

    private static readonly string[] ModelEntryKeys = ["model", "parameters"];
    private static readonly string[] SliceKeys = ["sources", "base_model", "parameters", "residual_weight"];
    private static readonly string[] SliceSourceKeys = ["model", "layer_range", "parameters"];
    private static readonly string[] ConditionalKeys = ["filter", "value"];
    private static readonly string[] ModelReferenceKeys = ["model", "lora", "override_architecture"];
    private static readonly string[] ModelPathKeys = ["path", "revision"];
    private static readonly string[] TokenizerKeys = ["source", "tokens", "pad_to_multiple_of"];
    private static readonly string[] TokenEntryKeys = ["source", "force"];
    private static readonly string[] TokenSourceKeys = ["kind", "model", "token", "token_id"];

    // mergekit's dtype_from_name knows bfloat16/float16/float32/int64 (optional "torch." prefix); float64 and the
    // short aliases are conveniences of ours.
    private static readonly Dictionary<string, string> DTypes = new(StringComparer.Ordinal)
    {
        ["bfloat16"] = "bfloat16",
        ["bf16"] = "bfloat16",
        ["float16"] = "float16",
        ["fp16"] = "float16",
        ["half"] = "float16",
        ["float32"] = "float32",
        ["fp32"] = "float32",
        ["float"] = "float32",
        ["float64"] = "float64",
        ["fp64"] = "float64",
        ["double"] = "float64",
        ["int64"] = "int64",
    };

    private const string ShapeHint = "expected a number, a list of numbers (gradient) or a list of {filter, value}";

    // PyYAML loads YAML 1.1, where these plain scalars are booleans; pydantic then turns them into 1.0 / 0.0.
    private static readonly HashSet<string> TrueWords = new(StringComparer.Ordinal) { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
    private static readonly HashSet<string> FalseWords = new(StringComparer.Ordinal) { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
    private static readonly HashSet<string> NullWords = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

    public MergeSpec Read(string yaml)
    {
        var root = LoadRoot(yaml);
        var top = ReadMapping(root, "", TopLevelKeys, "the top level");

        if (top.TryGetValue("modules", out var modules) && !IsNull(modules))
        {
            throw Error(modules, "modules", "modules: is not supported yet; use models: or slices:");
        }

        var mergeMethod = top.TryGetValue("merge_method", out var methodNode) ? ReadString(methodNode, "merge_method") : null;
        if (string.IsNullOrWhiteSpace(mergeMethod))
        {
            throw Error(methodNode ?? root, "merge_method", "merge_method is required (e.g. merge_method: linear)");
        }

        var baseModel = top.TryGetValue("base_model", out var baseNode) ? ReadModelReference(baseNode, "base_model") : null;
        var parameters = top.TryGetValue("parameters", out var paramNode) ? ReadParameters(paramNode, "parameters") : Empty();

        var hasModels = top.TryGetValue("models", out var modelsNode) && !IsNull(modelsNode);
        var hasSlices = top.TryGetValue("slices", out var slicesNode) && !IsNull(slicesNode);
        if (hasModels && hasSlices)
        {
            throw Error(slicesNode!, "slices", "give either models: or slices:, not both");
        }

        if (!hasModels && !hasSlices)
        {
            throw Error(root, "models", "the spec needs either models: (a list of {model, parameters}) or slices: (a list of {sources})");
        }

        List<SliceSpec> slices = hasModels ? [ReadModels(modelsNode!, baseModel)] : ReadSlices(slicesNode!);

        var (tokenizerKind, tokenizerModel, padToMultipleOf, tokenEmbeddings) = ReadTokenizer(top);

        return new MergeSpec
        {
            MergeMethod = mergeMethod.Trim(),
            BaseModel = baseModel,
            Slices = slices,
            UsesModels = hasModels,
            Parameters = parameters,
            DType = top.TryGetValue("dtype", out var dtypeNode) ? ReadDType(dtypeNode, "dtype") : null,
            OutDType = top.TryGetValue("out_dtype", out var outNode) ? ReadDType(outNode, "out_dtype") : null,
            TokenizerSource = tokenizerKind,
            TokenizerModel = tokenizerModel,
            PadToMultipleOf = padToMultipleOf,
            TokenEmbeddings = tokenEmbeddings,
            ChatTemplate = top.TryGetValue("chat_template", out var chatNode) ? ReadChatTemplate(chatNode) : null,
            Name = top.TryGetValue("name", out var nameNode) ? ReadString(nameNode, "name") : null,
            SourceText = yaml,
        };
    }

    private YamlNode LoadRoot(string yaml)
    {
        var stream = SpecYaml.Load(yaml, sourceName);
        if (stream.Documents.Count == 0)
        {
            throw new SpecException($"{sourceName} line 1: the spec is empty; expected a mapping with merge_method and models: or slices:");
        }

        if (stream.Documents.Count > 1)
        {
            throw new SpecException(
                $"{sourceName} line {stream.Documents[1].RootNode.Start.Line}: the spec holds several YAML documents (---); expected one");
        }

        var root = stream.Documents[0].RootNode;
        if (IsNull(root))
        {
            throw new SpecException($"{sourceName} line {root.Start.Line}: the spec is empty; expected a mapping with merge_method and models: or slices:");
        }

        if (root is not YamlMappingNode)
        {
            throw new SpecException($"{sourceName} line {root.Start.Line}: the top level must be a mapping (merge_method: ..., models: ...), got {Describe(root)}");
        }

        return root;
    }

    private SliceSpec ReadModels(YamlNode node, string? baseModel)
    {
        var list = ReadSequence(node, "models");
        if (list.Count == 0)
        {
            throw Error(node, "models", "the list is empty; name at least one model");
        }

        var sources = new List<SliceSource>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"models[{i}]";
            var entry = ReadMapping(list[i], path, ModelEntryKeys, "a models: entry");
            var model = RequireModel(entry, list[i], path);
            CheckNotDuplicate(sources, model, entry["model"], $"{path}.model", "models:");
            var parameters = entry.TryGetValue("parameters", out var p) ? ReadParameters(p, $"{path}.parameters") : Empty();
            sources.Add(new SliceSource(model, null, parameters));
        }

        // Like mergekit's normalize_config: an unlisted base still takes part in every tensor, last in order.
        if (baseModel is not null && !sources.Exists(s => s.Model == baseModel))
        {
            sources.Add(new SliceSource(baseModel, null, Empty()));
        }

        return new SliceSpec(sources, null, Empty());
    }

    private List<SliceSpec> ReadSlices(YamlNode node)
    {
        var list = ReadSequence(node, "slices");
        if (list.Count == 0)
        {
            throw Error(node, "slices", "the list is empty; give at least one slice");
        }

        var slices = new List<SliceSpec>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"slices[{i}]";
            var entry = ReadMapping(list[i], path, SliceKeys, "a slice");
            if (!entry.TryGetValue("sources", out var sourcesNode) || IsNull(sourcesNode))
            {
                throw Error(list[i], $"{path}.sources", "missing required key 'sources' (a list of {model, layer_range})");
            }

            var sourceList = ReadSequence(sourcesNode, $"{path}.sources");
            if (sourceList.Count == 0)
            {
                throw Error(sourcesNode, $"{path}.sources", "the list is empty; give at least one source");
            }

            var sources = new List<SliceSource>();
            for (var j = 0; j < sourceList.Count; j++)
            {
                var spath = $"{path}.sources[{j}]";
                var src = ReadMapping(sourceList[j], spath, SliceSourceKeys, "a slice source");
                var model = RequireModel(src, sourceList[j], spath);
                CheckNotDuplicate(sources, model, src["model"], $"{spath}.model", $"{path}.sources");
                if (!src.TryGetValue("layer_range", out var rangeNode) || IsNull(rangeNode))
                {
                    throw Error(sourceList[j], $"{spath}.layer_range", "missing required key 'layer_range' ([start, end), end exclusive)");
                }

                var range = ReadLayerRange(rangeNode, $"{spath}.layer_range");
                if (sources.Count > 0 && sources[0].LayerRange!.Value.Count != range.Count)
                {
                    var first = sources[0].LayerRange!.Value;
                    throw Error(
                        rangeNode,
                        $"{spath}.layer_range",
                        $"slice {i}: every source must span the same number of layers; sources[0] spans {first.Count} " +
                        $"([{first.Start}, {first.End}]) but sources[{j}] spans {range.Count} ([{range.Start}, {range.End}])");
                }

                var parameters = src.TryGetValue("parameters", out var p) ? ReadParameters(p, $"{spath}.parameters") : Empty();
                sources.Add(new SliceSource(model, range, parameters));
            }

            var sliceBase = entry.TryGetValue("base_model", out var b) ? ReadModelReference(b, $"{path}.base_model") : null;
            if (entry.TryGetValue("residual_weight", out var rw) && !IsNull(rw))
            {
                // Declared by mergekit but read by nothing; checked only so that a typo'd value still fails loudly.
                ReadNumber(rw, $"{path}.residual_weight");
            }

            var sliceParameters = entry.TryGetValue("parameters", out var sp) ? ReadParameters(sp, $"{path}.parameters") : Empty();
            slices.Add(new SliceSpec(sources, sliceBase, sliceParameters));
        }

        return slices;
    }

    private void CheckNotDuplicate(List<SliceSource> sources, string model, YamlNode node, string path, string where)
    {
        // mergekit keys a slice's tensors by model, so a repeated model would silently collapse into one input.
        if (sources.Exists(s => s.Model == model))
        {
            throw Error(node, path, $"model '{model}' is listed twice in {where}");
        }
    }

    private LayerRange ReadLayerRange(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode seq || seq.Children.Count != 2)
        {
            throw Error(node, path, $"expected [start, end] (two integers, end exclusive), got {Describe(node)}");
        }

        var start = ReadInt(seq.Children[0], $"{path}[0]");
        var end = ReadInt(seq.Children[1], $"{path}[1]");
        if (start < 0 || end <= start)
        {
            throw Error(node, path, $"[{start}, {end}] is not a valid range; need 0 <= start < end (end is exclusive)");
        }

        return new LayerRange(start, end);
    }

    private (TokenizerSourceKind Kind, string? Model, int? PadToMultipleOf, List<TokenEmbeddingSpec> Tokens) ReadTokenizer(Dictionary<string, YamlNode> top)
    {
        var hasLegacy = top.TryGetValue("tokenizer_source", out var legacy) && !IsNull(legacy);
        var hasSection = top.TryGetValue("tokenizer", out var section) && !IsNull(section);
        if (hasLegacy && hasSection)
        {
            throw Error(section!, "tokenizer", "give either tokenizer_source: or tokenizer:, not both");
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

        var map = ReadMapping(section!, "tokenizer", TokenizerKeys, "the tokenizer section");
        var tokens = map.TryGetValue("tokens", out var tokensNode) ? ReadTokenEmbeddings(tokensNode) : [];

        int? padding = null;
        if (map.TryGetValue("pad_to_multiple_of", out var padNode) && !IsNull(padNode))
        {
            padding = ReadInt(padNode, "tokenizer.pad_to_multiple_of");
            if (padding < 1)
            {
                throw Error(padNode, "tokenizer.pad_to_multiple_of", $"expected a positive integer (e.g. 64), got {padding}");
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
            throw Error(node, "tokenizer.tokens", $"expected a mapping of token text to {{source, force}}, got {Describe(node)}");
        }

        var result = new List<TokenEmbeddingSpec>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var token = ReadKey(keyNode, "tokenizer.tokens");
            var path = $"tokenizer.tokens.'{token}'";
            this.keyOf[valueNode] = keyNode;
            var entry = ReadMapping(valueNode, path, TokenEntryKeys, "a token embedding entry");
            var force = entry.TryGetValue("force", out var forceNode) && !IsNull(forceNode) && ReadBool(forceNode, $"{path}.force");
            if (!entry.TryGetValue("source", out var source) || IsNull(source))
            {
                result.Add(new TokenEmbeddingSpec(token, TokenEmbeddingSourceKind.Default, null, null, null, force));
                continue;
            }

            if (source is not YamlMappingNode)
            {
                result.Add(new TokenEmbeddingSpec(token, TokenEmbeddingSourceKind.Model, ReadModelReference(source, $"{path}.source"), null, null, force));
                continue;
            }

            var sourceMap = ReadMapping(source, $"{path}.source", TokenSourceKeys, "a token embedding source");
            var kind = sourceMap.TryGetValue("kind", out var kindNode) ? ReadString(kindNode, $"{path}.source.kind") : null;
            switch (kind)
            {
                case "zero":
                    foreach (var extra in new[] { "model", "token", "token_id" }.Where(sourceMap.ContainsKey))
                    {
                        throw Error(sourceMap[extra], $"{path}.source.{extra}", "kind: zero takes no other keys");
                    }

                    result.Add(new TokenEmbeddingSpec(token, TokenEmbeddingSourceKind.Zero, null, null, null, force));
                    break;
                case "model_token":
                    if (!sourceMap.TryGetValue("model", out var modelNode) || IsNull(modelNode))
                    {
                        throw Error(source, $"{path}.source.model", "missing required key 'model' (kind: model_token)");
                    }

                    var hasText = sourceMap.TryGetValue("token", out var textNode) && !IsNull(textNode);
                    var hasId = sourceMap.TryGetValue("token_id", out var idNode) && !IsNull(idNode);
                    if (hasText == hasId)
                    {
                        throw Error(source, $"{path}.source", "kind: model_token needs exactly one of token (text) or token_id");
                    }

                    int? id = hasId ? ReadInt(idNode!, $"{path}.source.token_id") : null;
                    if (id < 0)
                    {
                        throw Error(idNode!, $"{path}.source.token_id", $"expected a non-negative token id, got {id}");
                    }

                    result.Add(new TokenEmbeddingSpec(
                        token, TokenEmbeddingSourceKind.ModelToken, ReadModelReference(modelNode, $"{path}.source.model"),
                        hasText ? ReadString(textNode!, $"{path}.source.token") : null, id, force));
                    break;
                default:
                    throw Error(kindNode ?? source, $"{path}.source.kind", $"expected kind: model_token or kind: zero, got {(kind is null ? "no kind" : $"'{kind}'")}");
            }
        }

        return result;
    }

    private bool ReadBool(YamlNode node, string path)
    {
        var text = node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar ? scalar.Value ?? "" : "";
        if (TrueWords.Contains(text))
        {
            return true;
        }

        if (FalseWords.Contains(text))
        {
            return false;
        }

        throw Error(node, path, $"expected true or false, got {Describe(node)}");
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

        return (TokenizerSourceKind.Model, ReadModelReference(node, path));
    }

    private string? ReadDType(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        var text = ReadString(node, path)!.Trim();
        var name = text.StartsWith("torch.", StringComparison.Ordinal) ? text["torch.".Length..] : text;
        if (!DTypes.TryGetValue(name, out var canonical))
        {
            throw Error(node, path, $"unknown dtype '{text}'; expected one of bfloat16, float16, float32, float64, int64 (optionally torch.-prefixed; bf16, fp16, fp32 also accepted)");
        }

        return canonical;
    }

    private string? ReadChatTemplate(YamlNode node)
    {
        var text = ReadString(node, "chat_template");

        // mergekit checks this only after the merge; here a typo'd template name fails before any tensor is read.
        if (text is not null && !ChatTemplateChoice.IsValidSetting(text))
        {
            throw Error(node, "chat_template", $"'{text}' is neither a known template name ({string.Join(", ", ChatTemplateChoice.Names)}) nor a Jinja template (at least 20 characters containing '{{')");
        }

        return text;
    }

    private string RequireModel(Dictionary<string, YamlNode> entry, YamlNode entryNode, string path)
    {
        if (!entry.TryGetValue("model", out var node) || IsNull(node))
        {
            throw Error(entryNode, $"{path}.model", "missing required key 'model'");
        }

        return ReadModelReference(node, $"{path}.model")!;
    }

    /// <summary>mergekit's ModelReference: a string <c>path[@revision][+lora]</c>, or {model: str | {path, revision}, lora, override_architecture}.</summary>
    private string? ReadModelReference(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is YamlMappingNode)
        {
            var map = ReadMapping(node, path, ModelReferenceKeys, "a model reference");
            if (map.TryGetValue("lora", out var lora) && !IsNull(lora))
            {
                throw Error(lora, $"{path}.lora", "LoRA inputs are not supported; merge the LoRA into its base model first and give that folder");
            }

            if (map.TryGetValue("override_architecture", out var arch) && !IsNull(arch))
            {
                throw Error(arch, $"{path}.override_architecture", "override_architecture is not supported");
            }

            if (!map.TryGetValue("model", out var inner) || IsNull(inner))
            {
                throw Error(node, $"{path}.model", "missing required key 'model'");
            }

            if (inner is YamlMappingNode)
            {
                var mp = ReadMapping(inner, $"{path}.model", ModelPathKeys, "a model path");
                if (mp.TryGetValue("revision", out var rev) && !IsNull(rev))
                {
                    throw Error(rev, $"{path}.model.revision", "revisions are not supported for local paths");
                }

                if (!mp.TryGetValue("path", out var p) || IsNull(p))
                {
                    throw Error(inner, $"{path}.model.path", "missing required key 'path'");
                }

                return ReadModelString(p, $"{path}.model.path");
            }

            return ReadModelString(inner, $"{path}.model");
        }

        return ReadModelString(node, path);
    }

    private string ReadModelString(YamlNode node, string path)
    {
        var text = ReadString(node, path)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw Error(node, path, "the model name is empty");
        }

        if (text.Contains('+', StringComparison.Ordinal))
        {
            throw Error(node, path, $"'{text}': model+lora references are not supported; merge the LoRA into its base model first and give that folder");
        }

        if (text.Contains('@', StringComparison.Ordinal))
        {
            throw Error(node, path, $"'{text}': revisions are not supported for local paths (drop the @revision suffix)");
        }

        return text;
    }

    private Dictionary<string, ParameterSetting> ReadParameters(YamlNode node, string path)
    {
        var result = new Dictionary<string, ParameterSetting>(StringComparer.Ordinal);
        if (IsNull(node))
        {
            return result;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, path, $"expected a mapping of parameter names to values, got {Describe(node)}");
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ReadKey(keyNode, path);
            this.keyOf[valueNode] = keyNode;
            result[key] = ReadSetting(valueNode, $"{path}.{key}");
        }

        return result;
    }

    /// <summary>mergekit's ParameterSetting: scalar | list of scalars (gradient) | {filter, value} | list of {filter, value}.</summary>
    private ParameterSetting ReadSetting(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalarNode:
                return new ScalarSetting(ReadNumber(node, path, ShapeHint));
            case YamlMappingNode:
                if (((YamlMappingNode)node).Children.Keys.All(k => k is YamlScalarNode s && ConditionalKeys.Contains(s.Value)))
                {
                    return new ConditionalSetting([ReadConditional(node, path)]);
                }

                throw Error(node, path, $"{ShapeHint}, got a mapping (a single conditional may only have the keys filter and value)");
            case YamlSequenceNode seq:
                if (seq.Children.Count == 0)
                {
                    throw Error(node, path, $"{ShapeHint}, got an empty list");
                }

                if (seq.Children.All(c => c is YamlScalarNode))
                {
                    return new GradientSetting(seq.Children.Select((c, i) => ReadNumber(c, $"{path}[{i}]", "expected a number (a gradient point)")).ToArray());
                }

                if (seq.Children.All(c => c is YamlMappingNode))
                {
                    return new ConditionalSetting(seq.Children.Select((c, i) => ReadConditional(c, $"{path}[{i}]")).ToArray());
                }

                throw Error(node, path, $"{ShapeHint}, got a list whose items are neither all numbers nor all {{filter, value}} mappings");
            default:
                throw Error(node, path, $"{ShapeHint}, got {Describe(node)}");
        }
    }

    private ConditionalEntry ReadConditional(YamlNode node, string path)
    {
        var map = ReadMapping(node, path, ConditionalKeys, "a conditional parameter entry");
        string? filter = null;
        if (map.TryGetValue("filter", out var f) && !IsNull(f))
        {
            filter = ReadString(f, $"{path}.filter");
        }

        if (!map.TryGetValue("value", out var v) || IsNull(v))
        {
            throw Error(node, $"{path}.value", "missing required key 'value'");
        }

        ParameterSetting value = v switch
        {
            YamlScalarNode => new ScalarSetting(ReadNumber(v, $"{path}.value", "expected a number or a list of numbers (gradient)")),
            YamlSequenceNode seq when seq.Children.Count > 0 && seq.Children.All(c => c is YamlScalarNode) =>
                new GradientSetting(seq.Children.Select((c, i) => ReadNumber(c, $"{path}.value[{i}]", "expected a number")).ToArray()),
            _ => throw Error(v, $"{path}.value", $"expected a number or a non-empty list of numbers (gradient), got {Describe(v)}"),
        };
        return new ConditionalEntry(filter, value);
    }

    private double ReadNumber(YamlNode node, string path, string expected = "expected a number")
    {
        if (node is not YamlScalarNode scalar || IsNull(node))
        {
            throw Error(node, path, $"{expected}, got {Describe(node)}");
        }

        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            if (TrueWords.Contains(text))
            {
                return 1.0;
            }

            if (FalseWords.Contains(text))
            {
                return 0.0;
            }
        }

        // Quoted numbers are accepted too: pydantic's lax mode turns "0.3" into 0.3.
        if (double.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            if (!double.IsFinite(value))
            {
                throw Error(node, path, $"{expected}, got the non-finite value '{text}'");
            }

            return value;
        }

        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? "the quoted string " : "";
        throw Error(node, path, $"{expected}, got {quoted}'{text}'");
    }

    private int ReadInt(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && !IsNull(node)
            && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw Error(node, path, $"expected an integer, got {Describe(node)}");
    }

    private string? ReadString(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw Error(node, path, $"expected a string, got {Describe(node)}");
        }

        return scalar.Value;
    }

    private List<YamlNode> ReadSequence(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode seq)
        {
            throw Error(node, path, $"expected a list, got {Describe(node)}");
        }

        return [.. seq.Children];
    }

    /// <summary>Reads a mapping, rejecting unknown keys (mergekit would ignore them; a typo silently changing a merge is worse).</summary>
    private Dictionary<string, YamlNode> ReadMapping(YamlNode node, string path, string[] allowed, string what)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, path.Length == 0 ? "(top level)" : path, $"expected {what} (a mapping with keys {string.Join(", ", allowed)}), got {Describe(node)}");
        }

        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ReadKey(keyNode, path);
            var keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (Array.IndexOf(allowed, key) < 0)
            {
                throw Error(keyNode, keyPath, $"unknown key '{key}' in {what}; allowed keys: {string.Join(", ", allowed)}");
            }

            this.keyOf[valueNode] = keyNode;
            result[key] = valueNode;
        }

        return result;
    }

    private string ReadKey(YamlNode keyNode, string path)
    {
        if (keyNode is YamlScalarNode { Value: { } key })
        {
            return key;
        }

        throw Error(keyNode, path.Length == 0 ? "(top level)" : path, $"keys must be plain strings, got {Describe(keyNode)}");
    }

    private static Dictionary<string, ParameterSetting> Empty() => new(StringComparer.Ordinal);

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar
        && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
        && NullWords.Contains(scalar.Value ?? "");

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing (null)",
        YamlScalarNode s => $"'{s.Value}'",
        _ => node.NodeType.ToString(),
    };

    private SpecException Error(YamlNode node, string path, string message)
    {
        // Messages that already start with the key path don't repeat it.
        var text = message.StartsWith(path + ":", StringComparison.Ordinal) ? message : $"{path}: {message}";
        var line = this.keyOf.TryGetValue(node, out var key) ? key.Start.Line : node.Start.Line;
        return new SpecException($"{sourceName} line {line}: {text}");
    }
}

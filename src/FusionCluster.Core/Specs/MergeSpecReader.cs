using FusionCluster.Core.ChatTemplates;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Specs;

/// <summary>
/// Walks the YAML representation model (rather than deserialising into classes) so that every error can
/// carry the line of the offending node and the key path that leads to it. The top level, models and slices
/// are read here; model references, parameters and the tokenizer by their section readers.
/// </summary>
internal sealed class MergeSpecReader
{
    private static readonly string[] TopLevelKeys =
    [
        "merge_method", "base_model", "models", "slices", "modules", "parameters", "dtype", "out_dtype",
        "tokenizer_source", "tokenizer", "chat_template", "name", "align",
    ];

    private static readonly string[] ModelEntryKeys = ["model", "parameters", "dataset"];
    private static readonly string[] SliceKeys = ["sources", "base_model", "parameters", "residual_weight"];
    private static readonly string[] SliceSourceKeys = ["model", "layer_range", "parameters"];

    /// <summary>The keys a spec may have at its top level, for editors that complete them.</summary>
    internal static IReadOnlyList<string> TopLevelKeyNames => TopLevelKeys;

    /// <summary>The keys an entry of <c>models</c> may have.</summary>
    internal static IReadOnlyList<string> ModelEntryKeyNames => ModelEntryKeys;

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

    private readonly YamlNodeReader yaml;
    private readonly ModelReferenceReader modelReader;
    private ParameterSettingReader parameterReader;
    private readonly TokenizerSectionReader tokenizerReader;
    private readonly AlignSectionReader alignReader;

    private readonly bool checkParameterNames;

    public MergeSpecReader(string sourceName, bool checkParameterNames = true)
    {
        this.checkParameterNames = checkParameterNames;
        yaml = new YamlNodeReader(sourceName);
        modelReader = new ModelReferenceReader(yaml);
        // Replaced by one with the method's parameter ranges once merge_method is read.
        parameterReader = new ParameterSettingReader(yaml, ParameterRanges.For(""), null);
        tokenizerReader = new TokenizerSectionReader(yaml, modelReader);
        alignReader = new AlignSectionReader(yaml, modelReader);
    }

    private string SourceName => yaml.SourceName;

    public MergeSpec Read(string text)
    {
        var root = LoadRoot(text);
        var top = yaml.ReadMapping(root, "", TopLevelKeys, "the top level");

        if (top.TryGetValue("modules", out var modules) && !IsNull(modules))
        {
            throw yaml.Error(modules, "modules", "modules: is not supported yet; use models: or slices:");
        }

        var mergeMethod = top.TryGetValue("merge_method", out var methodNode) ? yaml.ReadString(methodNode, "merge_method") : null;
        if (string.IsNullOrWhiteSpace(mergeMethod))
        {
            throw yaml.Error(methodNode ?? root, "merge_method", "merge_method is required (e.g. merge_method: linear)");
        }

        if (!MergeMethodRegistry.TryGet(mergeMethod.Trim(), out var method))
        {
            throw yaml.Error(methodNode!, "merge_method", MergeMethodRegistry.UnknownMessage(mergeMethod.Trim()));
        }

        parameterReader = new ParameterSettingReader(yaml, ParameterRanges.For(mergeMethod), checkParameterNames ? method : null);
        var baseModel = top.TryGetValue("base_model", out var baseNode) ? modelReader.ReadModelReference(baseNode, "base_model") : null;
        var parameters = top.TryGetValue("parameters", out var paramNode) ? parameterReader.Read(paramNode, "parameters") : ParameterSettingReader.Empty();

        var hasModels = top.TryGetValue("models", out var modelsNode) && !IsNull(modelsNode);
        var hasSlices = top.TryGetValue("slices", out var slicesNode) && !IsNull(slicesNode);
        if (hasModels && hasSlices)
        {
            throw yaml.Error(slicesNode!, "slices", "give either models: or slices:, not both");
        }

        if (!hasModels && !hasSlices)
        {
            throw yaml.Error(root, "models", "the spec needs either models: (a list of {model, parameters}) or slices: (a list of {sources})");
        }

        // Data-aware methods (RegMean, Fisher) need each model's dataset; other methods read none.
        var dataAware = method is IStatisticsMergeMethod;
        if (dataAware && !hasModels)
        {
            throw yaml.Error(slicesNode!, "slices", $"merge_method {mergeMethod.Trim()} computes statistics on each model's data: list models: with a dataset: each (slices: are not supported)");
        }

        var datasets = new Dictionary<string, string>(StringComparer.Ordinal);
        List<SliceSpec> slices = hasModels ? [ReadModels(modelsNode!, baseModel, dataAware ? mergeMethod.Trim() : null, datasets)] : ReadSlices(slicesNode!);

        var (tokenizerKind, tokenizerModel, padToMultipleOf, tokenEmbeddings) = tokenizerReader.Read(top);

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
            Name = top.TryGetValue("name", out var nameNode) ? yaml.ReadString(nameNode, "name") : null,
            SourceText = text,
            Align = alignReader.Read(top, baseModel, slices, hasModels),
            Datasets = datasets,
        };
    }

    private YamlNode LoadRoot(string text)
    {
        var stream = SpecYaml.Load(text, SourceName);
        if (stream.Documents.Count == 0)
        {
            throw new SpecException($"{SourceName} line 1: the spec is empty; expected a mapping with merge_method and models: or slices:");
        }

        if (stream.Documents.Count > 1)
        {
            throw new SpecException(
                $"{SourceName} line {stream.Documents[1].RootNode.Start.Line}: the spec holds several YAML documents (---); expected one");
        }

        var root = stream.Documents[0].RootNode;
        if (IsNull(root))
        {
            throw new SpecException($"{SourceName} line {root.Start.Line}: the spec is empty; expected a mapping with merge_method and models: or slices:");
        }

        if (root is not YamlMappingNode)
        {
            throw new SpecException($"{SourceName} line {root.Start.Line}: the top level must be a mapping (merge_method: ..., models: ...), got {Describe(root)}");
        }

        return root;
    }

    /// <param name="dataAwareMethod">The merge method when it reads each model's data (then every entry needs dataset:), else null (then none may have one).</param>
    /// <param name="datasets">Filled with each model's dataset: as written.</param>
    private SliceSpec ReadModels(YamlNode node, string? baseModel, string? dataAwareMethod, Dictionary<string, string> datasets)
    {
        var list = yaml.ReadSequence(node, "models");
        if (list.Count == 0)
        {
            throw yaml.Error(node, "models", "the list is empty; name at least one model");
        }

        var sources = new List<SliceSource>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"models[{i}]";
            var entry = yaml.ReadMapping(list[i], path, ModelEntryKeys, "a models: entry");
            var model = modelReader.RequireModel(entry, list[i], path);
            CheckNotDuplicate(sources, model, entry["model"], $"{path}.model", "models:");
            var parameters = entry.TryGetValue("parameters", out var p) ? parameterReader.Read(p, $"{path}.parameters") : ParameterSettingReader.Empty();
            sources.Add(new SliceSource(model, null, parameters));
            if (entry.TryGetValue("dataset", out var datasetNode) && !IsNull(datasetNode))
            {
                if (dataAwareMethod is null)
                {
                    throw yaml.Error(datasetNode, $"{path}.dataset", "this merge_method reads weights only; dataset: is for the data-aware methods (regmean, regmean_plus_plus, fisher, adamerging)");
                }

                datasets[model] = yaml.RequireString(datasetNode, $"{path}.dataset");
            }
            else if (dataAwareMethod is not null)
            {
                throw yaml.Error(list[i], $"{path}.dataset", $"merge_method {dataAwareMethod} computes statistics on each model's data: give dataset: (a dataset file, or a text file for llama checkpoints) for '{model}'");
            }
        }

        // AdaMerging learns coefficients of task vectors from its base, which needs no data.
        if (dataAwareMethod is not null && baseModel is not null && !sources.Exists(s => s.Model == baseModel)
            && MergeMethodRegistry.Get(dataAwareMethod).BaseModel == BaseModelUse.NotUsed)
        {
            throw yaml.Error(node, "base_model", $"merge_method {dataAwareMethod} uses no base_model; list '{baseModel}' under models: with a dataset:, or remove base_model");
        }

        // Like mergekit's normalize_config: an unlisted base still takes part in every tensor, last in order.
        if (baseModel is not null && !sources.Exists(s => s.Model == baseModel))
        {
            sources.Add(new SliceSource(baseModel, null, ParameterSettingReader.Empty()));
        }

        return new SliceSpec(sources, null, ParameterSettingReader.Empty());
    }

    private List<SliceSpec> ReadSlices(YamlNode node)
    {
        var list = yaml.ReadSequence(node, "slices");
        if (list.Count == 0)
        {
            throw yaml.Error(node, "slices", "the list is empty; give at least one slice");
        }

        var slices = new List<SliceSpec>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"slices[{i}]";
            var entry = yaml.ReadMapping(list[i], path, SliceKeys, "a slice");
            if (!entry.TryGetValue("sources", out var sourcesNode) || IsNull(sourcesNode))
            {
                throw yaml.Error(list[i], $"{path}.sources", "missing required key 'sources' (a list of {model, layer_range})");
            }

            var sourceList = yaml.ReadSequence(sourcesNode, $"{path}.sources");
            if (sourceList.Count == 0)
            {
                throw yaml.Error(sourcesNode, $"{path}.sources", "the list is empty; give at least one source");
            }

            var sources = new List<SliceSource>();
            for (var j = 0; j < sourceList.Count; j++)
            {
                var spath = $"{path}.sources[{j}]";
                var src = yaml.ReadMapping(sourceList[j], spath, SliceSourceKeys, "a slice source");
                var model = modelReader.RequireModel(src, sourceList[j], spath);
                CheckNotDuplicate(sources, model, src["model"], $"{spath}.model", $"{path}.sources");
                if (!src.TryGetValue("layer_range", out var rangeNode) || IsNull(rangeNode))
                {
                    throw yaml.Error(sourceList[j], $"{spath}.layer_range", "missing required key 'layer_range' ([start, end), end exclusive)");
                }

                var range = ReadLayerRange(rangeNode, $"{spath}.layer_range");
                if (sources.Count > 0 && sources[0].LayerRange!.Value.Count != range.Count)
                {
                    var first = sources[0].LayerRange!.Value;
                    throw yaml.Error(
                        rangeNode,
                        $"{spath}.layer_range",
                        $"slice {i}: every source must span the same number of layers; sources[0] spans {first.Count} " +
                        $"([{first.Start}, {first.End}]) but sources[{j}] spans {range.Count} ([{range.Start}, {range.End}])");
                }

                var parameters = src.TryGetValue("parameters", out var p) ? parameterReader.Read(p, $"{spath}.parameters") : ParameterSettingReader.Empty();
                sources.Add(new SliceSource(model, range, parameters));
            }

            var sliceBase = entry.TryGetValue("base_model", out var b) ? modelReader.ReadModelReference(b, $"{path}.base_model") : null;
            if (entry.TryGetValue("residual_weight", out var rw) && !IsNull(rw))
            {
                // Declared by mergekit but read by nothing; checked only so that a typo'd value still fails loudly.
                yaml.ReadNumber(rw, $"{path}.residual_weight");
            }

            var sliceParameters = entry.TryGetValue("parameters", out var sp) ? parameterReader.Read(sp, $"{path}.parameters") : ParameterSettingReader.Empty();
            slices.Add(new SliceSpec(sources, sliceBase, sliceParameters));
        }

        return slices;
    }

    private void CheckNotDuplicate(List<SliceSource> sources, string model, YamlNode node, string path, string where)
    {
        // mergekit keys a slice's tensors by model, so a repeated model would silently collapse into one input.
        if (sources.Exists(s => s.Model == model))
        {
            throw yaml.Error(node, path, $"model '{model}' is listed twice in {where}");
        }
    }

    private LayerRange ReadLayerRange(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode seq || seq.Children.Count != 2)
        {
            throw yaml.Error(node, path, $"expected [start, end] (two integers, end exclusive), got {Describe(node)}");
        }

        var start = yaml.ReadInt(seq.Children[0], $"{path}[0]");
        var end = yaml.ReadInt(seq.Children[1], $"{path}[1]");
        if (start < 0 || end <= start)
        {
            throw yaml.Error(node, path, $"[{start}, {end}] is not a valid range; need 0 <= start < end (end is exclusive)");
        }

        return new LayerRange(start, end);
    }

    private string? ReadDType(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        var text = yaml.ReadString(node, path)!.Trim();
        var name = text.StartsWith("torch.", StringComparison.Ordinal) ? text["torch.".Length..] : text;
        if (!DTypes.TryGetValue(name, out var canonical))
        {
            throw yaml.Error(node, path, $"unknown dtype '{text}'; expected one of bfloat16, float16, float32, float64, int64 (optionally torch.-prefixed; bf16, fp16, fp32 also accepted)");
        }

        return canonical;
    }

    private string? ReadChatTemplate(YamlNode node)
    {
        var text = yaml.ReadString(node, "chat_template");

        // mergekit checks this only after the merge; here a typo'd template name fails before any tensor is read.
        if (text is not null && !ChatTemplateChoice.IsValidSetting(text))
        {
            throw yaml.Error(node, "chat_template", $"'{text}' is neither a known template name ({string.Join(", ", ChatTemplateChoice.Names)}) nor a Jinja template (at least 20 characters containing '{{')");
        }

        return text;
    }
}

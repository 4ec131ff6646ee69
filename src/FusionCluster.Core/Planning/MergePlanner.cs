using System.Text.Json.Nodes;
using FusionCluster.Core.ChatTemplates;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Turns a spec and the headers of its inputs into a <see cref="MergePlan"/>. Pure: reads no tensor
/// data, and the same spec and headers always give the same plan.
/// </summary>
public sealed class MergePlanner
{
    private readonly MergeSpec spec;
    private readonly IMergeMethod method;
    private readonly IReadOnlyDictionary<string, ModelInfo> models;
    private readonly PlanOptions options;
    private readonly List<string> warnings = [];
    private VocabularyAlignment? alignment;

    private MergePlanner(MergeSpec spec, IReadOnlyDictionary<string, ModelInfo> models, PlanOptions options)
    {
        this.spec = spec;
        this.models = models;
        this.options = options;
        method = MergeMethodRegistry.Get(spec.MergeMethod);
    }

    public static MergePlan Plan(MergeSpec spec, IReadOnlyDictionary<string, ModelInfo> models, PlanOptions? options = null) =>
        new MergePlanner(spec, models, options ?? new PlanOptions()).Build();

    private MergePlan Build()
    {
        CheckParameterNames();
        var reference = ReferenceModel();
        alignment = VocabularyAlignment.For(spec, reference.Reference, models);
        var units = new List<(string Name, List<TensorPlan> Tensors)>();

        var align = AlignPlanner.Plan(spec, options.SpecDirectory ?? spec.SpecDirectory);
        var sharedLayers = ZipBranchPlanner.SharedLayers(align, reference.Layout);
        var branchUnits = Enumerable.Range(0, ZipBranchPlanner.Branches).Select(_ => new List<(string Name, List<TensorPlan> Tensors)>()).ToArray();

        var first = spec.Slices[0];
        units.Add(("embeddings", PlanOutsideLayers(first, reference.Layout.PreWeights)));

        var outputLayer = 0;
        for (var s = 0; s < spec.Slices.Count; s++)
        {
            var slice = spec.Slices[s];
            var count = SliceLayerCount(slice, s);
            for (var j = 0; j < count; j++)
            {
                if (sharedLayers is { } shared && outputLayer >= shared)
                {
                    // Partial ZipIt!: past the shared layers each model keeps its own layer, one unit per branch and layer.
                    for (var branch = 0; branch < ZipBranchPlanner.Branches; branch++)
                    {
                        branchUnits[branch].Add((ZipBranchPlanner.UnitName(branch, outputLayer, shared), BranchTensors(ZipBranchPlanner.BranchModel(align!, branch), branch, outputLayer, shared)));
                    }

                    outputLayer++;
                    continue;
                }

                var t = count == 1 ? 1.0 : (double)j / (count - 1);
                var tensors = new List<TensorPlan>();
                foreach (var suffix in reference.Layout.LayerSuffixes)
                {
                    var outName = reference.Layout.LayerTensor(outputLayer, suffix);
                    var candidates = slice.Sources
                        .Select(src => (src.Model, Tensor: models[src.Model].Layout.LayerTensor((src.LayerRange?.Start ?? 0) + j, suffix)))
                        .ToList();
                    if (PlanTensor(slice, outName, candidates, t) is { } plan)
                    {
                        tensors.Add(plan);
                    }
                }

                units.Add(($"layer {outputLayer}", tensors));
                outputLayer++;
            }
        }

        // Branch 0's layers, then branch 1's: the file order of a partially zipped classifier.
        units.AddRange(branchUnits.SelectMany(b => b));
        units.Add(("head", PlanOutsideLayers(spec.Slices[^1], reference.Layout.PostWeights)));
        units.RemoveAll(u => u.Tensors.Count == 0);

        var (layout, placed) = OutputLayout.Assign(units.SelectMany(u => u.Tensors).ToList(), options.ShardSizeBytes);
        var shards = layout.Shards;
        if (method is ISidecarMergeMethod sidecars)
        {
            var (extra, withSidecars) = sidecars.LaySidecars(units.SelectMany(u => u.Tensors).Select(t => placed[t.Name]).ToList(), shards.Count);
            shards = [.. shards, .. extra];
            placed = withSidecars.ToDictionary(t => t.Name, StringComparer.Ordinal);
        }

        var workUnits = units.Select((u, i) => new WorkUnit
        {
            Index = i,
            Name = u.Name,
            Tensors = u.Tensors.Select(t => placed[t.Name]).ToList(),
            InputBytes = u.Tensors.Sum(t => t.InputBytes),
        }).ToList();

        return new MergePlan
        {
            Method = method.Name,
            ModelPaths = models.ToDictionary(m => m.Key, m => m.Value.Path),
            Units = workUnits,
            Shards = shards,
            IndexJson = layout.IndexJson,
            OutputConfig = OutputConfig(reference, outputLayer, workUnits, sharedLayers),
            TokenizerModel = TokenizerModel(reference),
            TokenizerAddedTokens = alignment?.AddedTokens ?? [],
            ChatTemplate = ChatTemplate(),
            Warnings = warnings,
            Align = align,
            Statistics = StatisticsPlanner.Plan(spec, method, options.SpecDirectory ?? spec.SpecDirectory, workUnits.SelectMany(u => u.Tensors).Select(t => t.Name).ToList()),
        };
    }

    private ModelInfo ReferenceModel()
    {
        var name = spec.BaseModel is { } b && models.ContainsKey(b) ? b : spec.Slices[0].Sources[0].Model;
        return models[name];
    }

    private int SliceLayerCount(SliceSpec slice, int sliceIndex)
    {
        var counts = slice.Sources.Select(src => src.LayerRange?.Count ?? models[src.Model].Layout.LayerCount).Distinct().ToList();
        if (counts.Count != 1)
        {
            var detail = string.Join(", ", slice.Sources.Select(src => $"'{src.Model}' has {src.LayerRange?.Count ?? models[src.Model].Layout.LayerCount}"));
            throw new SpecException(spec.UsesModels
                ? $"models: every model must have the same number of layers ({detail}); use slices: to pick layer ranges"
                : $"slices[{sliceIndex}]: every source must span the same number of layers ({detail})");
        }

        foreach (var src in slice.Sources)
        {
            var available = models[src.Model].Layout.LayerCount;
            if (src.LayerRange is { } range && range.End > available)
            {
                throw new SpecException($"slices[{sliceIndex}]: layer_range [{range.Start}, {range.End}] of '{src.Model}' goes past its {available} layers");
            }
        }

        return counts[0];
    }

    private List<TensorPlan> PlanOutsideLayers(SliceSpec slice, IReadOnlyList<string> names)
    {
        var tensors = new List<TensorPlan>();
        foreach (var name in names)
        {
            var candidates = slice.Sources.Select(src => (src.Model, Tensor: name)).ToList();
            if (PlanTensor(slice, name, candidates, 0) is { } plan)
            {
                tensors.Add(plan);
            }
        }

        return tensors;
    }

    private TensorPlan? PlanTensor(SliceSpec slice, string outName, List<(string Model, string Tensor)> candidates, double t)
    {
        var present = new List<(string Model, string Tensor, TensorHeader Header)>();
        foreach (var (model, tensor) in candidates.DistinctBy(c => c.Model))
        {
            var info = models[model];
            if (info.Tensors.TryGetValue(tensor, out var header))
            {
                present.Add((model, tensor, header));
            }
            else if (ModelLayout.IsHead(tensor) && info.Layout.TiedEmbedding is { } tied && info.Tensors.TryGetValue(tied, out var tiedHeader))
            {
                present.Add((model, tied, tiedHeader));
            }
            else if (!ModelLayout.IsHead(tensor))
            {
                throw new SpecException($"model '{model}' has no tensor '{tensor}' (needed for output tensor '{outName}')");
            }
        }

        // A head that no model stores separately stays tied to the embeddings in the output too.
        if (present.Count == 0 || (ModelLayout.IsHead(outName) && present.All(p => p.Tensor != outName)))
        {
            return null;
        }

        var first = present[0].Header;
        var baseName = slice.BaseModel ?? spec.BaseModel;
        var aligned = alignment is not null && ModelLayout.IsEmbedding(outName) && present.All(p => p.Header.Shape.Length == 2 && p.Header.DType.CanMerge())
            ? AlignRows(alignment, outName, present, baseName)
            : default;
        var rowMaps = aligned.Maps;
        var shape = aligned.Shape ?? ReconcileShapes(outName, present);
        var computeDType = spec.DType is { } d ? DTypeInfo.ParseSpecName(d) : first.DType;
        var outputDType = spec.OutDType is { } o ? DTypeInfo.ParseSpecName(o) : spec.DType is not null ? computeDType : first.DType;

        if (!first.DType.CanMerge() || present.Any(p => !p.Header.DType.CanMerge()))
        {
            // Integer, bool and F8 tensors (position ids, quantisation scales ...) are copied from the first source.
            var source = present[0];
            return CopyPlan(outName, source, source.Header.DType);
        }

        TensorInput? baseInput = null;
        var others = present;
        if (method.BaseModel != BaseModelUse.NotUsed)
        {
            if (baseName is null && method.BaseModel == BaseModelUse.Required)
            {
                throw new SpecException($"merge_method '{method.Name}' needs base_model");
            }

            if (baseName is not null)
            {
                var b = present.FirstOrDefault(p => p.Model == baseName);
                if (b.Model is null)
                {
                    throw new SpecException($"base_model '{baseName}' must be one of the sources of every slice for merge_method '{method.Name}'");
                }

                baseInput = new TensorInput(b.Model, b.Tensor, new Dictionary<string, double>()) { Rows = rowMaps?[b.Model] };
                others = present.Where(p => p.Model != baseName).ToList();
            }
        }

        if (others.Count < method.MinModels || others.Count > method.MaxModels)
        {
            var wanted = method.MinModels == method.MaxModels ? $"exactly {method.MinModels}"
                : method.MaxModels == int.MaxValue ? $"at least {method.MinModels}" : $"{method.MinModels} to {method.MaxModels}";
            var noun = method.MinModels == 1 && (method.MaxModels == 1 || method.MaxModels == int.MaxValue) ? "model" : "models";
            var what = method.BaseModel == BaseModelUse.NotUsed ? noun : $"{noun} besides base_model";
            throw new SpecException($"merge_method '{method.Name}' takes {wanted} {what}, but tensor '{outName}' has {others.Count}: {string.Join(", ", others.Select(p => p.Model))}");
        }

        var inputs = others.Select(p => new TensorInput(p.Model, p.Tensor, PerModelParameters(slice, p.Model, outName, t)) { Rows = rowMaps?[p.Model] }).ToList();
        var globals = GlobalParameters(slice, outName, t);
        NormalisedWeights.Check(method.Name, inputs, globals, outName);

        if (method.Name == "passthrough" && inputs[0].Rows is null && inputs[0].Parameters.GetValueOrDefault("scale", 1.0) == 1.0 && outputDType == others[0].Header.DType && computeDType == outputDType)
        {
            return CopyPlan(outName, others[0], outputDType);
        }

        return new TensorPlan
        {
            Name = outName,
            Kind = TensorKind.Merge,
            Shape = shape,
            OutputDType = outputDType,
            ComputeDType = computeDType,
            IsEmbedding = ModelLayout.IsEmbedding(outName),
            Base = baseInput,
            Inputs = inputs,
            Parameters = globals,
            Seed = TensorSeed.For(options.Seed, outName),
            InputBytes = InputBytes(present),
            ByteLength = shape.Aggregate(1L, (a, b) => a * b) * outputDType.ElementSize(),
        };
    }

    /// <summary>
    /// One branch's copy of <paramref name="model"/>'s layer <paramref name="layer"/>: copied as the merge unit's view of
    /// the model reads it (through its unmerge of the shared features), so in the model's own dtype.
    /// </summary>
    private List<TensorPlan> BranchTensors(string model, int branch, int layer, int shared)
    {
        var tensors = new List<TensorPlan>();
        foreach (var suffix in models[model].Layout.LayerSuffixes)
        {
            var name = models[model].Layout.LayerTensor(layer, suffix);
            var outName = $"{ZipBranchPlanner.BranchPrefix(branch, layer, shared)}.{suffix}";
            var header = models[model].Tensors[name];
            if ((spec.OutDType ?? spec.DType) is { } wanted && DTypeInfo.ParseSpecName(wanted) != header.DType)
            {
                throw new SpecException($"align.zip_layers: the branches keep each model's own layers as stored ({header.DType.SafetensorsName()} in '{name}' of model '{model}'); a partially zipped merge takes no dtype or out_dtype ({wanted})");
            }

            tensors.Add(CopyPlan(outName, (model, name, header), header.DType));
        }

        return tensors;
    }

    private TensorPlan CopyPlan(string outName, (string Model, string Tensor, TensorHeader Header) source, DType dtype) => new()
    {
        Name = outName,
        Kind = TensorKind.Copy,
        Shape = source.Header.Shape,
        OutputDType = dtype,
        ComputeDType = dtype,
        Inputs = [new TensorInput(source.Model, source.Tensor, new Dictionary<string, double>())],
        InputBytes = InputBytes([source]),
        ByteLength = source.Header.Shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize(),
    };

    /// <summary>
    /// mergekit's PermutedEmbeddings: every input's rows rearranged into the output vocabulary. A model keeps its
    /// own row for a token it has; for one it lacks, the row comes from the only model that has the token, else
    /// the base's, else the mean of the models that have it, else zeros. Padding rows are the mean of the real ones.
    /// </summary>
    private (long[]? Shape, Dictionary<string, RowMap?>? Maps) AlignRows(
        VocabularyAlignment vocabulary, string outName, List<(string Model, string Tensor, TensorHeader Header)> present, string? baseName)
    {
        var cols = present.Min(p => p.Header.Shape[1]);
        var croppedRows = present.Min(p => p.Header.Shape[0]);
        if (present.Any(p => p.Header.Shape[1] != cols) || (!vocabulary.IsUnion && present.Any(p => p.Header.Shape[0] != croppedRows)))
        {
            var rowsNote = vocabulary.IsUnion ? "" : $"{croppedRows} rows and ";
            warnings.Add($"'{outName}': embedding shapes differ ({string.Join(", ", present.Select(p => $"{p.Model} [{string.Join(", ", p.Header.Shape)}]"))}); cropped to {rowsNote}{cols} columns");
        }

        var realRows = vocabulary.RealRows(croppedRows);
        var rows = vocabulary.PaddedRows(realRows);
        if (vocabulary.IsUnion)
        {
            WarnAboutIdsPastTheRows(vocabulary, outName, present, realRows);
        }

        long RowIn(int model, long token)
        {
            var row = vocabulary.RowOf(present[model].Model, token);
            return row < present[model].Header.Shape[0] ? row : -1;
        }

        foreach (var (id, chosen) in vocabulary.Overrides.Where(o => o.Key >= realRows))
        {
            throw new SpecException($"tokenizer.tokens.'{chosen.Token}': its output id {id} is past the {realRows} rows of the merged '{outName}'");
        }

        // The default row of each token (for models that lack it), as (present index, row) pairs to average.
        var baseIndex = baseName is null ? -1 : present.FindIndex(p => p.Model == baseName);
        var defaults = new RowReference[realRows][];
        var missing = new List<long>();
        var holders = new List<RowReference>(present.Count);
        for (long token = 0; token < realRows; token++)
        {
            holders.Clear();
            for (var m = 0; m < present.Count; m++)
            {
                if (RowIn(m, token) is var row and >= 0)
                {
                    holders.Add(new RowReference(m, row));
                }
            }

            if (vocabulary.Overrides.TryGetValue(token, out var chosen) && chosen.Kind != TokenEmbeddingSourceKind.Default)
            {
                defaults[token] = chosen.Kind == TokenEmbeddingSourceKind.Zero ? [] : [ChosenRow(chosen, outName, present)];
                continue;
            }

            if (holders.Count == 0 && vocabulary.TokenText(token) is not null)
            {
                missing.Add(token);
            }

            var fromBase = holders.Count > 1 ? holders.FindIndex(h => h.Source == baseIndex) : -1;
            defaults[token] = fromBase >= 0 ? [holders[fromBase]] : [.. holders];
        }

        if (missing.Count > 0)
        {
            var sample = string.Join(", ", missing.Take(5).Select(t => $"'{vocabulary.TokenText(t)}'"));
            warnings.Add($"'{outName}': {missing.Count} output tokens have no row in any model and get zeros: {sample}{(missing.Count > 5 ? ", ..." : "")}");
        }

        var maps = new Dictionary<string, RowMap?>(StringComparer.Ordinal);
        for (var m = 0; m < present.Count; m++)
        {
            maps[present[m].Model] = RowMapFor(m, present, realRows, rows, cols, defaults, (model, token) =>
                vocabulary.Overrides.TryGetValue(token, out var chosen) && chosen.Force ? -1 : RowIn(model, token));
        }

        return ([rows, cols], maps);
    }

    private static RowReference ChosenRow(TokenRowOverride chosen, string outName, List<(string Model, string Tensor, TensorHeader Header)> present)
    {
        var index = present.FindIndex(p => p.Model == chosen.Model);
        if (index < 0)
        {
            throw new SpecException($"tokenizer.tokens.'{chosen.Token}'.source: model '{chosen.Model}' has no input for tensor '{outName}' ({string.Join(", ", present.Select(p => $"'{p.Model}'"))} have)");
        }

        var rows = present[index].Header.Shape[0];
        if (chosen.Row >= rows)
        {
            throw new SpecException($"tokenizer.tokens.'{chosen.Token}'.source: token id {chosen.Row} is past the {rows} rows of '{present[index].Tensor}' in model '{chosen.Model}'");
        }

        return new RowReference(index, chosen.Row);
    }

    private static RowMap? RowMapFor(
        int own,
        List<(string Model, string Tensor, TensorHeader Header)> present,
        long realRows,
        long rows,
        long cols,
        RowReference[][] defaults,
        Func<int, long, long> rowIn)
    {
        // Source 0 is the model's own tensor; others are added as the defaults first need them.
        var sourceOf = new Dictionary<int, int> { [own] = 0 };
        var sources = new List<RowSourceTensor> { new(present[own].Model, present[own].Tensor) };
        int Source(int model)
        {
            if (!sourceOf.TryGetValue(model, out var index))
            {
                sourceOf[model] = index = sources.Count;
                sources.Add(new RowSourceTensor(present[model].Model, present[model].Tensor));
            }

            return index;
        }

        var runs = new List<RowRun>();
        var means = new List<RowMean>();
        void Take(long token, int source, long row)
        {
            if (runs.Count > 0 && runs[^1] is var last && last.Source == source
                && last.Start + last.Count == token && last.SourceStart + last.Count == row)
            {
                runs[^1] = last with { Count = last.Count + 1 };
            }
            else
            {
                runs.Add(new RowRun(token, 1, source, row));
            }
        }

        for (long token = 0; token < realRows; token++)
        {
            if (rowIn(own, token) is var ownRow and >= 0)
            {
                Take(token, 0, ownRow);
            }
            else if (defaults[token] is [var single])
            {
                Take(token, Source(single.Source), single.Row);
            }
            else if (defaults[token].Length > 1)
            {
                means.Add(new RowMean(token, defaults[token].Select(d => new RowReference(Source(d.Source), d.Row)).ToList()));
            }
        }

        var shape = present[own].Header.Shape;
        var identity = rows == shape[0] && cols == shape[1] && means.Count == 0
            && runs is [{ Start: 0, Source: 0, SourceStart: 0 } run] && run.Count == rows;
        return identity ? null : new RowMap { Rows = rows, RealRows = realRows, Sources = sources, Runs = runs, Means = means };
    }

    private void WarnAboutIdsPastTheRows(VocabularyAlignment vocabulary, string outName, List<(string Model, string Tensor, TensorHeader Header)> present, long realRows)
    {
        foreach (var (model, _, header) in present)
        {
            var past = 0;
            for (long token = 0; token < realRows; token++)
            {
                if (vocabulary.RowOf(model, token) >= header.Shape[0])
                {
                    past++;
                }
            }

            if (past > 0)
            {
                warnings.Add($"'{outName}' of '{model}' has {header.Shape[0]} rows but its tokenizer has {past} tokens with larger ids; they count as missing from '{model}'");
            }
        }
    }

    private long[] ReconcileShapes(string outName, List<(string Model, string Tensor, TensorHeader Header)> present)
    {
        var shape = present[0].Header.Shape;
        if (present.All(p => p.Header.Shape.SequenceEqual(shape)))
        {
            return shape;
        }

        if (ModelLayout.IsEmbedding(outName) && present.All(p => p.Header.Shape.Length == 2))
        {
            // mergekit crops mismatched vocabularies to the block every model has (rectify_embed_sizes).
            var cropped = new[] { present.Min(p => p.Header.Shape[0]), present.Min(p => p.Header.Shape[1]) };
            warnings.Add($"'{outName}': vocabulary sizes differ ({string.Join(", ", present.Select(p => $"{p.Model} [{string.Join(", ", p.Header.Shape)}]"))}); cropped to [{cropped[0]}, {cropped[1]}]");
            return cropped;
        }

        throw new SpecException($"shape mismatch for tensor '{outName}': {string.Join(", ", present.Select(p => $"'{p.Model}' has [{string.Join(", ", p.Header.Shape)}]"))}");
    }

    private Dictionary<string, double> GlobalParameters(SliceSpec slice, string tensorName, double t) =>
        ResolveAll(slice, ParameterScope.Global, model: null, tensorName, t);

    private Dictionary<string, double> PerModelParameters(SliceSpec slice, string model, string tensorName, double t) =>
        ResolveAll(slice, ParameterScope.PerModel, model, tensorName, t);

    private Dictionary<string, double> ResolveAll(SliceSpec slice, ParameterScope scope, string? model, string tensorName, double t)
    {
        var values = new Dictionary<string, double>();
        foreach (var definition in method.Parameters.Where(p => p.Scope == scope))
        {
            var value = ParameterResolver.Resolve(spec, slice, definition.Name, model, tensorName, t) ?? definition.Default;
            if (value is null)
            {
                var owner = model is null ? "" : $" for model '{model}'";
                throw new SpecException($"merge_method '{method.Name}' needs parameter '{definition.Name}'{owner} (tensor '{tensorName}')");
            }

            if (double.IsNaN(value.Value) || double.IsInfinity(value.Value))
            {
                throw new SpecException($"parameter '{definition.Name}' is {value} for tensor '{tensorName}'; it must be a finite number");
            }

            values[definition.Name] = value.Value;
        }

        return values;
    }

    private void CheckParameterNames() => SpecParameterNames.Check(spec, method);

    private static long InputBytes(IEnumerable<(string Model, string Tensor, TensorHeader Header)> inputs) =>
        inputs.Sum(p => p.Header.Shape.Aggregate(1L, (a, b) => a * b) * p.Header.DType.ElementSize());

    private static string TorchDTypeName(DType dtype) => dtype switch
    {
        DType.F64 => "float64",
        DType.F32 => "float32",
        DType.F16 => "float16",
        DType.BF16 => "bfloat16",
        DType.I64 => "int64",
        _ => dtype.SafetensorsName(),
    };

    private JsonObject? OutputConfig(ModelInfo reference, int layerCount, List<WorkUnit> units, int? sharedLayers)
    {
        if (reference.Config is null)
        {
            return null;
        }

        var config = (JsonObject)reference.Config.DeepClone();
        if (sharedLayers is { } shared)
        {
            ZipBranchPlanner.Describe(config, shared);
        }

        foreach (var key in new[] { "num_hidden_layers", "n_layer", "num_layers" })
        {
            if (config.ContainsKey(key) && reference.Layout.LayerCount > 0)
            {
                config[key] = layerCount;
            }
        }

        var dtype = spec.OutDType ?? spec.DType;
        if (dtype is not null)
        {
            config["torch_dtype"] = TorchDTypeName(DTypeInfo.ParseSpecName(dtype));
        }

        var tensors = units.SelectMany(u => u.Tensors).ToList();
        var embedding = tensors.FirstOrDefault(t => reference.Layout.TiedEmbedding == t.Name);
        if (embedding is not null && config.ContainsKey("vocab_size"))
        {
            // A row count past int.MaxValue stays a (long) JSON number: a cast would have written a negative vocab_size.
            var rows = embedding.Shape[0];
            config["vocab_size"] = rows <= int.MaxValue ? JsonValue.Create((int)rows) : JsonValue.Create(rows);
        }

        if (tensors.Any(t => ModelLayout.IsHead(t.Name)) && config["tie_word_embeddings"]?.GetValue<bool>() == true)
        {
            config["tie_word_embeddings"] = false;
        }

        return config;
    }

    private string? ChatTemplate()
    {
        // Only the merged models vote, as in mergekit: a tokenizer_source model that is not merged does not.
        var merged = spec.Slices.SelectMany(s => s.Sources.Select(src => src.Model)).ToHashSet(StringComparer.Ordinal);
        var inputs = spec.AllModels()
            .Where(m => merged.Contains(m) || m == spec.BaseModel || spec.Slices.Any(s => s.BaseModel == m))
            .Select(m => (m, models[m].ChatTemplate))
            .ToList();
        return ChatTemplateChoice.Resolve(spec.ChatTemplate, inputs, warnings);
    }

    private string? TokenizerModel(ModelInfo reference) => spec.TokenizerSource switch
    {
        TokenizerSourceKind.Model => spec.TokenizerModel,
        _ => spec.BaseModel ?? reference.Reference,
    };
}

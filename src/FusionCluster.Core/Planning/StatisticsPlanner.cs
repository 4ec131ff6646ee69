using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>Turns a data-aware spec's per-model <c>dataset:</c> into the job's statistics phase.</summary>
public static class StatisticsPlanner
{
    /// <param name="specDirectory">Where relative dataset paths resolve; the working folder when null.</param>
    /// <param name="tensorNames">The output's tensors; a sequential kind plans one phase per <c>layers.&lt;i&gt;</c> among them, and a llama's <c>model.layers.&lt;i&gt;</c> make one unit per block.</param>
    /// <returns>Null when the method reads no data.</returns>
    /// <exception cref="SpecException">Samples is not a single whole number (whether a dataset exists is asked once it is known to be inside the data roots: <see cref="PlanLocalFiles"/>).</exception>
    public static StatisticsPlan? Plan(MergeSpec spec, IMergeMethod method, string? specDirectory, IReadOnlyCollection<string>? tensorNames = null)
    {
        if (method is not IStatisticsMergeMethod dataAware)
        {
            return null;
        }

        // AdaMerging learns coefficients of task vectors: the base model needs no data.
        var joint = StatisticsKinds.IsJoint(dataAware.StatisticsKind);
        var models = spec.Slices.SelectMany(s => s.Sources).Select(s => s.Model).Distinct(StringComparer.Ordinal)
            .Where(m => !(joint && m == spec.BaseModel)).ToList();
        var datasets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            var written = spec.Datasets.TryGetValue(model, out var d)
                ? d
                : throw new SpecException($"models: '{model}' has no dataset: and merge_method {method.Name} computes statistics on each model's data");
            datasets[model] = Path.GetFullPath(written, specDirectory ?? Directory.GetCurrentDirectory());
        }

        var plan = new StatisticsPlan(dataAware.StatisticsKind, models, datasets, Samples(spec));
        var blocks = LanguageModelBlocks.Count(tensorNames ?? []);
        if (blocks > 0)
        {
            return Language(plan, spec, method, blocks);
        }

        if (joint)
        {
            return plan with { Learning = Learning(spec, method) };
        }

        return StatisticsKinds.IsSequential(plan.Kind) ? Sequential(plan, spec, method, tensorNames ?? []) : plan;
    }

    /// <summary>
    /// A layer-by-layer kind (RegMean++) feeds each model's data through the merged layers, so it runs on the
    /// classifiers statistics units read (<c>layers.&lt;i&gt;.weight</c> and <c>.bias</c>, i = 0, 1, ..) and
    /// needs the one ratio the merge units will use; alignment would change what the layers see, so it is refused.
    /// </summary>
    private static StatisticsPlan Sequential(StatisticsPlan plan, MergeSpec spec, IMergeMethod method, IReadOnlyCollection<string> tensorNames)
    {
        if (spec.Align is not null)
        {
            throw new SpecException($"align: merge_method {method.Name} feeds each model's data through the merged layers; jobs do not run it on aligned models yet");
        }

        var names = tensorNames.ToHashSet(StringComparer.Ordinal);
        var layers = 0;
        while (names.Contains($"layers.{layers}.weight") && names.Contains($"layers.{layers}.bias"))
        {
            layers++;
        }

        if (layers == 0 || layers * 2 != names.Count)
        {
            throw new SpecException($"merge_method {method.Name} runs on MLP classifiers (tensors layers.<i>.weight and layers.<i>.bias only, as fusion train writes); the models have {string.Join(", ", tensorNames.Take(6))}");
        }

        return plan with { Layers = layers, Ratio = Ratio(spec, method) };
    }

    /// <summary>RegMean's <c>reduce_non_diagonal_ratio</c> for a sequential kind, whose statistics units merge the earlier layers with it.</summary>
    private static double Ratio(MergeSpec spec, IMergeMethod method)
    {
        if (!spec.Parameters.TryGetValue(RegMeanMergeMethod.RatioParameter, out var setting))
        {
            return RegMeanMergeMethod.DefaultRatio;
        }

        return setting is ScalarSetting { Value: var value }
            ? value
            : throw new SpecException($"parameters.{RegMeanMergeMethod.RatioParameter}: {method.Name} merges layer by layer while computing its statistics, so the ratio is one number for every layer (no gradient or per-tensor filters)");
    }

    /// <summary>
    /// Llama-family checkpoints: each model's dataset is a text file its forward pass reads, and its statistics are
    /// computed one decoder block per unit: RegMean's Gram matrices of the block's linear inputs, or Fisher merging's
    /// diagonal Fishers of the block's parameters (the last block's unit also those outside every block). AdaMerging's
    /// coefficients are learned by one unit on every model's text (λ per model and group: embeddings, each block, final
    /// norm and head). RegMean++'s Gram matrices of block b are computed after blocks 0 .. b-1 of the merge, so each
    /// block is a phase of its own and its units solve the earlier blocks with the plan's ratio. Alignment would change
    /// what a layer sees and which gradient a parameter gets, so it is refused.
    /// </summary>
    private static StatisticsPlan Language(StatisticsPlan plan, MergeSpec spec, IMergeMethod method, int blocks)
    {
        if (plan.Kind == StatisticsKinds.Coefficients)
        {
            return spec.Align is null
                ? plan with { Blocks = blocks, Learning = Learning(spec, method) }
                : throw new SpecException($"align: merge_method {method.Name} of llama checkpoints learns its coefficients on the models as stored; jobs do not run it on aligned language models yet");
        }

        if (plan.Kind is not (StatisticsKinds.Gram or StatisticsKinds.Fisher or StatisticsKinds.MergedGram))
        {
            throw new SpecException($"merge_method {method.Name}: statistics of llama checkpoints are computed for regmean, regmean_plus_plus, fisher and adamerging only (on each model's text); {method.Name} runs on the classifiers fusion train makes");
        }

        if (spec.Align is not null)
        {
            throw new SpecException($"align: merge_method {method.Name} of llama checkpoints computes each model's statistics on the model as stored; jobs do not run it on aligned language models yet");
        }

        return StatisticsKinds.IsSequential(plan.Kind)
            ? plan with { Blocks = blocks, Ratio = Ratio(spec, method) }
            : plan with { Blocks = blocks };
    }

    private static CoefficientLearning Learning(MergeSpec spec, IMergeMethod method)
    {
        var baseModel = spec.BaseModel ?? throw new SpecException($"base_model: merge_method {method.Name} learns coefficients of task vectors from a base model; name one");
        double Setting(string name)
        {
            var fallback = method.Parameters.Single(p => p.Name == name).Default ?? 0;
            if (!spec.Parameters.TryGetValue(name, out var setting))
            {
                return fallback;
            }

            return setting is ScalarSetting { Value: var value }
                ? value
                : throw new SpecException($"parameters.{name}: {method.Name} learns its coefficients once for all tensors, so {name} is one number (no gradient or per-tensor filters)");
        }

        int Whole(string name)
        {
            var value = Setting(name);
            return value >= 1 && value == Math.Floor(value) && value <= int.MaxValue ? (int)value : throw new SpecException($"parameters.{name}: {value} is not a positive whole number");
        }

        var seed = Setting("seed");
        return new CoefficientLearning(baseModel, Whole("steps"), Whole("batch_size"), Setting("lr"),
            seed >= 0 && seed == Math.Floor(seed) ? (ulong)seed : throw new SpecException($"parameters.seed: {seed} is not a whole number >= 0"));
    }

    private static int Samples(MergeSpec spec)
    {
        if (!spec.Parameters.TryGetValue(StatisticsSamples.Parameter, out var setting))
        {
            return StatisticsSamples.Default;
        }

        return setting is ScalarSetting { Value: var value } && value == Math.Floor(value)
            ? (int)value
            : throw new SpecException($"parameters.{StatisticsSamples.Parameter}: the number of samples is one whole number for every tensor (no gradient or per-tensor filters)");
    }
}

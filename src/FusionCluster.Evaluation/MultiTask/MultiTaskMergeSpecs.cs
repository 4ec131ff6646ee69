using System.Globalization;
using System.Text;
using FusionCluster.Core.Methods;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>
/// The spec each merge method runs with in the benchmark: base_model the pre-trained backbone, models the
/// fine-tunes, and FusionBench's default hyper-parameters where it has them (task vectors scaled by λ = 0.3; TIES
/// keeps the top 20%). Methods this table does not know (added later) get their own defaults and weight 1.
/// Data-aware methods merge whole classifiers (backbone and task head), each with its task's dataset file
/// (<see cref="MultiTaskJobInputs"/>), with the benchmark's statistics and AdaMerging settings.
/// </summary>
public static class MultiTaskMergeSpecs
{
    /// <summary>Per-model parameters and global parameters by method.</summary>
    private static readonly Dictionary<string, (string PerModel, string Global)> Known = new(StringComparer.Ordinal)
    {
        ["linear"] = ("weight: 1.0", ""),
        ["task_arithmetic"] = ("weight: 0.3", ""),
        ["ties"] = ("weight: 0.3, density: 0.2", "normalize: false"),
        ["dare_ties"] = ("weight: 0.3, density: 0.5", ""),
        ["breadcrumbs"] = ("weight: 0.3, density: 0.9, gamma: 0.01", ""),
        ["della"] = ("weight: 0.3, density: 0.7, epsilon: 0.1", "normalize: false, lambda: 1.0"),
        ["model_stock"] = ("", ""),
    };

    /// <summary>The methods whose models come with data, run by the jobs' statistics (or coefficients) phase.</summary>
    public static IReadOnlyList<string> DataAwareMethods { get; } = ["regmean", "regmean_plus_plus", "fisher", "adamerging"];

    public static bool IsDataAware(string method) => DataAwareMethods.Contains(method, StringComparer.Ordinal);

    /// <summary>What the README says each method ran with.</summary>
    public static string Describe(string method, MultiTaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsDataAware(method))
        {
            return method == "adamerging"
                ? $"λ learned on each task's unlabelled held-out inputs, {options.AdaMergingSteps} steps"
                : $"statistics from the first {options.StatisticsSamples} training samples per task";
        }

        return Known.TryGetValue(method, out var p)
            ? $"{p.PerModel}{(p.Global.Length > 0 ? "; " + p.Global : "")}".Trim(';', ' ')
            : "its defaults, weight 1";
    }

    /// <summary>
    /// The YAML of a data-aware method: each classifier with its task's dataset (paths relative to the spec's folder);
    /// AdaMerging's <paramref name="pretrained"/> as base_model (it needs no dataset).
    /// </summary>
    public static string CreateDataAware(string method, MultiTaskOptions options, string pretrained, IReadOnlyList<(string Model, string Dataset)> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"merge_method: {method}\n");
        if (method == "adamerging")
        {
            yaml.Append(CultureInfo.InvariantCulture, $"base_model: {pretrained}\n");
        }

        yaml.Append("models:\n");
        foreach (var (model, dataset) in models)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{model: {model}, dataset: {dataset}}}\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"parameters: {{{DataAwareParameters(method, options)}}}\n");
        yaml.Append("dtype: float32\n");
        return yaml.ToString();
    }

    /// <summary>The paper's settings the benchmark merges with: RegMean's α = 0.9, Fisher's ε = 1e-8, AdaMerging's steps, batch and rate from the options.</summary>
    private static string DataAwareParameters(string method, MultiTaskOptions options) => method switch
    {
        "regmean" or "regmean_plus_plus" => $"{RegMeanMergeMethod.RatioParameter}: {Number(RegMeanMergeMethod.DefaultRatio)}, {StatisticsSamples.Parameter}: {options.StatisticsSamples}",
        "fisher" => $"minimal_fisher_weight: {Number(FisherMergeMethod.DefaultEpsilon)}, {StatisticsSamples.Parameter}: {options.StatisticsSamples}",
        "adamerging" => $"steps: {options.AdaMergingSteps}, batch_size: {options.AdaMergingBatch}, lr: {Number(options.AdaMergingLearningRate)}, seed: {options.Seed}",
        _ => throw new MergeMethodException($"merge_method '{method}' is not one of the benchmark's data-aware methods ({string.Join(", ", DataAwareMethods)})"),
    };

    /// <summary>A plain decimal (no exponent: 1e-8 is written 0.00000001), so every YAML reader takes it as a number.</summary>
    private static string Number(double value) => value.ToString("0.0###############", CultureInfo.InvariantCulture);

    /// <summary>The YAML, with model paths relative to the spec's folder.</summary>
    public static string Create(IMergeMethod method, string pretrained, IReadOnlyList<string> fineTunes)
    {
        ArgumentNullException.ThrowIfNull(method);
        var (perModel, global) = Known.TryGetValue(method.Name, out var known) ? known : (DefaultPerModel(method), "");
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"merge_method: {method.Name}\n");
        if (method.BaseModel != BaseModelUse.NotUsed)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"base_model: {pretrained}\n");
        }

        yaml.Append("models:\n");
        foreach (var model in fineTunes)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - model: {model}\n");
            if (perModel.Length > 0)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    parameters: {{{perModel}}}\n");
            }
        }

        if (global.Length > 0)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"parameters: {{{global}}}\n");
        }

        yaml.Append("dtype: float32\n");
        return yaml.ToString();
    }

    private static string DefaultPerModel(IMergeMethod method)
    {
        var required = method.Parameters.Where(p => p.Scope == ParameterScope.PerModel && p.Required).Select(p => p.Name).ToList();
        var unknown = required.Where(r => r != "weight").ToList();
        if (unknown.Count > 0)
        {
            throw new MergeMethodException($"merge_method '{method.Name}' requires per-model parameter(s) {string.Join(", ", unknown)} the benchmark has no value for");
        }

        return required.Count > 0 ? "weight: 1.0" : "";
    }
}

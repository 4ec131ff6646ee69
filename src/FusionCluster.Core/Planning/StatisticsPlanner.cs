using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>Turns a data-aware spec's per-model <c>dataset:</c> into the job's statistics phase.</summary>
public static class StatisticsPlanner
{
    /// <param name="specDirectory">Where relative dataset paths resolve; the working folder when null.</param>
    /// <returns>Null when the method reads no data.</returns>
    /// <exception cref="SpecException">A dataset file is missing, or samples is not a single whole number.</exception>
    public static StatisticsPlan? Plan(MergeSpec spec, IMergeMethod method, string? specDirectory)
    {
        if (method is not IStatisticsMergeMethod dataAware)
        {
            return null;
        }

        var models = spec.Slices.SelectMany(s => s.Sources).Select(s => s.Model).Distinct(StringComparer.Ordinal).ToList();
        var datasets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            var written = spec.Datasets.TryGetValue(model, out var d)
                ? d
                : throw new SpecException($"models: '{model}' has no dataset: and merge_method {method.Name} computes statistics on each model's data");
            var path = Path.GetFullPath(written, specDirectory ?? Directory.GetCurrentDirectory());
            if (!File.Exists(path))
            {
                throw new SpecException($"models: dataset '{written}' of '{model}' does not exist ({path})");
            }

            datasets[model] = path;
        }

        return new StatisticsPlan(dataAware.StatisticsKind, models, datasets, Samples(spec));
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

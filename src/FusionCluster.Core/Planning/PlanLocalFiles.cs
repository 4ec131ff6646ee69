using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Planning;

/// <summary>
/// The local files a plan's phases read besides the models (a permutation spec, each model's dataset), checked like
/// the models are: resolved (symlinks included) inside the data roots, regular files, not kernel files. The plan
/// keeps the resolved paths, so units on any silo open what was checked.
/// </summary>
public static class PlanLocalFiles
{
    /// <exception cref="StorageException">A file lies outside the data roots or is not a regular file; the message names its key.</exception>
    public static MergePlan Confine(MergePlan plan, LocalRoots roots)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(roots);
        var confined = plan;
        if (plan.Align is { } align)
        {
            confined = confined with
            {
                Align = align with
                {
                    PermutationSpecFile = align.PermutationSpecFile is { } specFile ? roots.CheckFile(specFile, "align.permutation_spec") : null,
                    DatasetFile = align.DatasetFile is { } dataset ? roots.CheckFile(dataset, "align.dataset") : null,
                },
            };
        }

        if (plan.Statistics is { } statistics)
        {
            var datasets = statistics.Datasets.ToDictionary(d => d.Key, d => roots.CheckFile(d.Value, $"models: dataset of '{d.Key}'"), StringComparer.Ordinal);
            confined = confined with { Statistics = statistics with { Datasets = datasets } };
        }

        return confined;
    }
}

using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Planning;

/// <summary>
/// The local files a plan's phases read besides the models (a permutation spec, each model's dataset), checked like
/// the models are: resolved (symlinks included) inside the data roots, regular files, not kernel files, and only then
/// looked for, so a spec cannot learn whether a file outside the roots exists. The plan keeps the resolved paths, so
/// units on any silo open what was checked.
/// </summary>
public static class PlanLocalFiles
{
    /// <exception cref="StorageException">A file lies outside the data roots or is not a regular file; the message names its key.</exception>
    /// <exception cref="SpecException">A file inside the roots does not exist; the message names its key and path.</exception>
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
                    DatasetFile = align.DatasetFile is { } dataset
                        ? Existing(roots.CheckFile(dataset, "align.dataset"), $"align.dataset: '{dataset}' does not exist; activation matching, ZipIt! and REPAIR measure activations on this dataset file")
                        : null,
                },
            };
        }

        if (plan.Statistics is { } statistics)
        {
            var datasets = statistics.Datasets.ToDictionary(
                d => d.Key,
                d => Existing(roots.CheckFile(d.Value, $"models: dataset of '{d.Key}'"), $"models: dataset '{d.Value}' of '{d.Key}' does not exist"),
                StringComparer.Ordinal);
            confined = confined with { Statistics = statistics with { Datasets = datasets } };
        }

        return confined;
    }

    private static string Existing(string resolved, string missing) => File.Exists(resolved) ? resolved : throw new SpecException(missing);
}

using FusionCluster.Alignment.Jobs;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs.Publishing;

/// <summary>Turns a job whose units are all done into its published output: report, side files, and the staged shards moved into place.</summary>
public sealed partial class JobPublisher(ArtifactStores stores, CheckpointCache checkpoints, IMergeMethodCatalog methods)
{
    /// <param name="cancellationToken">Stops the optional full input hashing (a cancelled job); publishing itself is not cut short.</param>
    /// <returns>Null when the job published; for a shared-input job, why none of its candidates could be.</returns>
    public async Task<string?> PublishAsync(string jobId, MergePlan plan, MergeJobState state, double seconds, CancellationToken cancellationToken)
    {
        if (plan.Candidates is not null)
        {
            return await PublishCandidatesAsync(plan, state, seconds, cancellationToken);
        }

        // The merge units' results; an alignment phase's units follow them and are reported on their own.
        var results = state.Units.Take(plan.Units.Count).Select(u => u.Result).OfType<UnitResult>().ToList();
        // The merge units, then one unit per aligned model, then one per model of a statistics phase.
        var aligned = plan.Align?.Models.Count ?? 0;
        var alignResults = state.Units.Skip(plan.Units.Count).Take(aligned).Select(u => u.PhaseResult).OfType<string>().ToList();
        var statisticsResults = state.Units.Skip(plan.Units.Count + aligned).Select(u => u.PhaseResult).OfType<string>().ToList();
        await PublishOneAsync(
            stores.OpenOutput(state.OutputLocation!, jobId),
            plan,
            () => BuildFilesAsync(plan, state.Request!.SpecText, results, alignResults, statisticsResults, state, seconds, cancellationToken),
            cancellationToken);
        return null;
    }

    /// <summary>Removes the job's staged output; returns the failure instead of throwing (the job is ending either way).</summary>
    public async Task<Exception?> TryDiscardAsync(string outputLocation, string jobId)
    {
        try
        {
            await stores.OpenOutput(outputLocation, jobId).DiscardAsync(CancellationToken.None);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Off the grain's turn: builds one merge's files, passes the commit point, and moves its staging into place.</summary>
    private static Task PublishOneAsync(IMergeOutput output, MergePlan plan, Func<Task<IReadOnlyList<PublishedFile>>> buildFiles, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            var files = await buildFiles();

            // The commit point: a cancel that arrived before it publishes nothing.
            cancellationToken.ThrowIfCancellationRequested();
            await output.PublishAsync(plan, files, CancellationToken.None);
        });

    /// <summary>The report and side files of one merge (a job's, or a shared-input job's candidate's), as they are published.</summary>
    private async Task<IReadOnlyList<PublishedFile>> BuildFilesAsync(
        MergePlan plan,
        string specText,
        IReadOnlyList<UnitResult> results,
        IReadOnlyList<string> alignResults,
        IReadOnlyList<string> statisticsResults,
        MergeJobState state,
        double seconds,
        CancellationToken cancellationToken)
    {
        var request = state.Request!;
        var plannedVersions = state.PlannedInputVersions?.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);

        // One checkpoint per location, so that the hashes and the fingerprints describe the same opened files.
        var byLocation = new Dictionary<string, ICheckpoint>(StringComparer.Ordinal);
        var inputs = new Dictionary<string, ICheckpoint>(StringComparer.Ordinal);
        foreach (var (model, location) in plan.ModelPaths)
        {
            if (!byLocation.TryGetValue(location, out var checkpoint))
            {
                checkpoint = byLocation[location] = await checkpoints.GetAsync(location, CancellationToken.None);
            }

            inputs[model] = checkpoint;
        }

        // Before publishing: hashing reads each file at the version the job planned with, or fails,
        // so a hash that reaches the report is of the bytes the units merged.
        var hashes = request.InputHash == InputHashMode.Full
            ? await InputContentHasher.HashAsync(byLocation, plannedVersions ?? [], ContentHashOptions.Default, cancellationToken)
            : null;
        var report = MergeReport.Build(specText, plan, request.Seed, results, seconds, inputs, hashes);
        // Which backend computed the tensors belongs with the result: cpu and cuda agree only to float32 rounding.
        report["device"] = request.Device;
        if (plan.Align is { } align)
        {
            report["alignment"] = AlignUnitResult.Report(align, alignResults);
        }

        if (plan.Statistics is { } statistics)
        {
            report["statistics"] = StatisticsReport.Build(statistics, statisticsResults);
        }

        if (methods.FallbackNote(plan.Method, request.Device) is { } fallback)
        {
            report["warnings"]!.AsArray().Add(fallback);
        }

        return await MergeArtifacts.BuildAsync(plan, report, checkpoints, CancellationToken.None);
    }
}

using FusionCluster.Alignment;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Jobs;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Repair;
using FusionCluster.Alignment.Zipping;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Repair;
using FusionCluster.Connectivity.Zipping;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Connectivity.Jobs;

/// <summary>
/// activation_matching, zipit and REPAIR inside a merge job, on a worker silo: the same <see cref="ActivationMatcher"/>,
/// <see cref="ZipItMerger"/>, <see cref="UnitStatistics"/> and <see cref="RepairCorrector"/> <c>fusion connect</c> runs, on the same sample
/// draw (the plan's samples of the dataset's training split, drawn by the plan's seed), so a job and
/// <c>fusion connect</c> agree. Only the two classifiers and the drawn samples are held (a few MB for fusion
/// train's models), and everything runs on the CPU in a fixed order, so the result is the same on any silo.
/// Llama-family checkpoints (recognised by their tensor names) match on a text file instead:
/// <see cref="LanguageJobMatching"/>.
/// </summary>
/// <param name="readDataset">Reads a dataset file (a silo passes its cache of decoded datasets); <see cref="ImageDatasetFile.Read"/> when null.</param>
/// <param name="stateBudgetBytes">
/// The correlation state one pass of llama activation matching may hold: a unit's memory bound
/// (<see cref="UnitMemory.BytesPerUnit"/>) unless a test forces smaller passes. Results never depend on it.
/// </param>
public sealed class JobDataAlignment(Func<string, ImageDataset>? readDataset = null, long stateBudgetBytes = UnitMemory.BytesPerUnit) : IDataAlignment, IDataZipping
{
    public async Task<AlignmentResult> MatchAsync(AlignPlan plan, ICheckpoint reference, ICheckpoint model, string modelName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (LanguageJobMatching.IsLanguageModel(reference))
        {
            return await LanguageJobMatching.MatchAsync(plan, reference, model, modelName, stateBudgetBytes, cancellationToken);
        }

        using var a = await StoredClassifier.LoadAsync(reference, plan.Reference, cancellationToken);
        using var b = await StoredClassifier.LoadAsync(model, modelName, cancellationToken);
        using var samples = Samples(plan, a, b, modelName, cancellationToken);
        UnitProgress.Beat();
        return ActivationMatcher.MatchGroups(a, b, samples.Inputs, new JonkerVolgenantSolver());
    }

    public async Task<IReadOnlyList<UnitCorrection>> RepairAsync(
        AlignPlan plan, ICheckpoint reference, ICheckpoint model, string modelName, IReadOnlyDictionary<string, int[]> permutations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var alpha = plan.RepairAlpha ?? throw new AlignmentException("REPAIR needs the interpolation's alpha");
        using var a = await StoredClassifier.LoadAsync(reference, plan.Reference, cancellationToken);
        using var b = await StoredClassifier.LoadAsync(model, modelName, cancellationToken);
        using var samples = Samples(plan, a, b, modelName, cancellationToken);
        using var aligned = UnitPermutations.Apply(b, UnitPermutations.SpecOf(b, $"model '{modelName}'"), permutations);
        // Beats between the forward passes: the worker's stall rule counts them as progress.
        UnitProgress.Beat();
        var start = UnitStatistics.Measure(a, samples.Inputs);
        UnitProgress.Beat();
        var end = UnitStatistics.Measure(aligned, samples.Inputs);
        UnitProgress.Beat();
        using var interpolated = ClassifierWeights.Interpolate(a, aligned, alpha);
        var (repaired, corrections) = RepairCorrector.Correct(interpolated, start, end, alpha, samples.Inputs);
        repaired.Dispose();
        return corrections;
    }

    /// <summary>
    /// ZipIt!'s clusters of every zipped hidden layer (the first <see cref="AlignPlan.ZipLayers"/>, else all), by the code
    /// <c>fusion connect --align zipit --zip-layers k</c> runs, on the same draw.
    /// </summary>
    public async Task<IReadOnlyList<ZippedGroup>> ZipAsync(AlignPlan plan, ICheckpoint reference, ICheckpoint model, string modelName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var a = await StoredClassifier.LoadAsync(reference, plan.Reference, cancellationToken);
        using var b = await StoredClassifier.LoadAsync(model, modelName, cancellationToken);
        using var samples = Samples(plan, a, b, modelName, cancellationToken);
        var options = plan.ZipAlpha is { } alpha ? new ZipItOptions(Alpha: alpha) : new ZipItOptions();
        return ZipItMerger.Match(a, b, samples.Inputs, plan.ZipLayers ?? a.HiddenLayerCount, options);
    }

    /// <summary>The seed of the sample draw: the spec's align.seed, as <c>fusion connect --seed</c> draws with it.</summary>
    public static ulong SampleSeed(AlignPlan plan) => (ulong)plan.Seed;

    private LabelledSamples Samples(AlignPlan plan, ClassifierWeights a, ClassifierWeights b, string modelName, CancellationToken cancellationToken)
    {
        var datasetFile = plan.DatasetFile ?? throw new AlignmentException("activation_matching, zipit and REPAIR need align.dataset");
        a.CheckSameShape(b, $"model '{plan.Reference}'", $"model '{modelName}'");
        var dataset = (readDataset ?? ImageDatasetFile.Read)(datasetFile);
        LabelledSamples.CheckFits(dataset, a.Config, $"model '{plan.Reference}'");
        cancellationToken.ThrowIfCancellationRequested();
        return LabelledSamples.From(dataset, DatasetSplit.Train, plan.Samples, SampleSeed(plan));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// The statistics phase of a data-aware merge job (regmean, fisher) on a worker silo. A unit reads one classifier
/// checkpoint (an MLP: <c>layers.&lt;i&gt;.weight</c> [out, in] and <c>.bias</c>, the last layer giving the logits) and
/// the first <see cref="StatisticsPlan.Samples"/> training samples of its dataset, computes the Gram matrix of every
/// layer's inputs or every tensor's diagonal Fisher with the same code as the in-process methods
/// (<see cref="MergeStatistics"/>), and stages the result in the job's output staging (the store every silo
/// of the job writes to), returning its name and hash. Merge units read every model's file back through
/// <see cref="OpenAsync"/>, checking the hash.
/// </summary>
public sealed class JobStatistics(ArtifactStores stores, CheckpointCache checkpoints) : IInputStatistics
{
    public async Task<string> ComputeAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var plan = PlanOf(assignment);
        var model = assignment.StatisticsModel!;
        var clock = Stopwatch.StartNew();
        using var classifier = await LoadClassifierAsync(assignment, model, cancellationToken);
        var datasetPath = plan.Datasets[model];
        ImageDataset data;
        try
        {
            data = ImageDatasetFile.Read(datasetPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or DatasetFormatException)
        {
            throw new MergeMethodException($"model '{model}': dataset '{datasetPath}' cannot be read: {e.Message}");
        }

        CheckFits(classifier, data, model, datasetPath, plan.Kind);
        cancellationToken.ThrowIfCancellationRequested();
        using var statistics = MergeStatistics.SingleThreaded(() =>
        {
            var (x, y) = MergeStatistics.Inputs(data, plan.Samples);
            using (x)
            using (y)
            {
                return plan.Kind switch
                {
                    StatisticsKinds.Gram => MergeStatistics.ComputeGrams(classifier, x),
                    StatisticsKinds.Fisher => MergeStatistics.ComputeClassifierFishers(classifier, x, y),
                    _ => throw new MergeMethodException($"statistics of kind '{plan.Kind}' are not computed by this worker"),
                };
            }
        });
        var samples = Math.Min(plan.Samples, data.TrainCount);
        var bytes = StatisticsFile.Encode(statistics, new Dictionary<string, string>
        {
            ["kind"] = plan.Kind,
            ["model"] = model,
            ["samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        var file = $"{plan.Kind}-{assignment.Unit.Index}.safetensors";
        await stores.OpenOutput(assignment.OutputLocation, assignment.JobId).WriteIntermediateAsync(file, bytes, cancellationToken);
        return new StatisticsUnitResult(model, plan.Kind, file, Convert.ToHexStringLower(SHA256.HashData(bytes)), samples, MergeStatistics.DatasetHash(data, plan.Samples), clock.Elapsed.TotalSeconds).ToJson();
    }

    public async Task<Func<string, string, TensorSource?>> OpenAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var plan = PlanOf(assignment);
        var results = assignment.StatisticsResults.Select(StatisticsUnitResult.Parse).ToList();
        var output = stores.OpenOutput(assignment.OutputLocation, assignment.JobId);
        var byModel = new Dictionary<string, Dictionary<string, ArrayTensorSource>>(StringComparer.Ordinal);
        foreach (var model in plan.Models)
        {
            var result = results.FirstOrDefault(r => r.Model == model && r.Kind == plan.Kind)
                ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the statistics phase left no {plan.Kind} statistics for model '{model}'");
            var bytes = await output.ReadIntermediateAsync(result.File, cancellationToken);
            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != result.Sha256)
            {
                throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the staged statistics '{result.File}' of model '{model}' are not the bytes the statistics unit wrote");
            }

            byModel[model] = StatisticsFile.Decode(bytes, $"{result.File} (statistics of '{model}')");
        }

        return (model, tensor) => byModel.TryGetValue(model, out var tensors) && tensors.TryGetValue(tensor, out var source) ? source : null;
    }

    private static StatisticsPlan PlanOf(UnitAssignment assignment) =>
        assignment.Statistics ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}) belongs to a job without a statistics phase");

    /// <summary>Every tensor of the checkpoint as float32; refuses anything but an MLP classifier's layers.</summary>
    private async Task<NamedTensors> LoadClassifierAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken)
    {
        var location = assignment.ModelPaths[model];
        var checkpoint = await checkpoints.GetAsync(location, assignment.PlannedVersions(location), cancellationToken);
        var layers = checkpoint.TensorNames.Count(n => n.StartsWith("layers.", StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal));
        var expected = MultiTaskNetwork.BackboneNames(layers);
        if (layers == 0 || checkpoint.TensorNames.Count != expected.Count || expected.Any(n => !checkpoint.TensorNames.Contains(n)))
        {
            throw new MergeMethodException($"model '{model}': statistics run on MLP classifiers (tensors layers.<i>.weight and layers.<i>.bias only, as fusion train writes); {location} has {string.Join(", ", checkpoint.TensorNames.Take(6))}");
        }

        var tensors = new NamedTensors();
        try
        {
            foreach (var name in expected)
            {
                using var stored = await checkpoint.OpenTensorAsync(name, cancellationToken);
                var expectedDims = name.EndsWith(".weight", StringComparison.Ordinal) ? 2 : 1;
                if (stored.Shape.Count != expectedDims)
                {
                    throw new MergeMethodException($"model '{model}': tensor '{name}' has shape [{string.Join(", ", stored.Shape)}]; statistics run on MLP classifiers (a convolution's weight is 4-D)");
                }

                tensors.Add(name, tensor(stored.ReadAll(), stored.Shape.ToArray()));
            }

            return tensors;
        }
        catch
        {
            tensors.Dispose();
            throw;
        }
    }

    private static void CheckFits(NamedTensors classifier, ImageDataset data, string model, string datasetPath, string kind)
    {
        var inputs = classifier[MultiTaskNetwork.Weight(0)].shape[1];
        if (inputs != data.SampleSize)
        {
            throw new MergeMethodException($"model '{model}': tensor '{MultiTaskNetwork.Weight(0)}' takes {inputs} inputs, but dataset '{datasetPath}' has {data.SampleSize} pixels per sample");
        }

        if (data.TrainCount == 0)
        {
            throw new MergeMethodException($"model '{model}': dataset '{datasetPath}' has no training samples to compute statistics on");
        }

        var classes = classifier[MultiTaskNetwork.Weight(MultiTaskNetwork.LayerCount(classifier) - 1)].shape[0];
        if (kind == StatisticsKinds.Fisher && data.ClassCount > classes)
        {
            throw new MergeMethodException($"model '{model}': dataset '{datasetPath}' has {data.ClassCount} classes, but the classifier gives {classes} logits");
        }
    }
}

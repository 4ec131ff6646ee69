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
        if (plan.Layers > 0)
        {
            return await ComputeLayerAsync(assignment, plan, cancellationToken);
        }

        if (plan.Learning is { } learning)
        {
            return await LearnCoefficientsAsync(assignment, plan, learning, cancellationToken);
        }

        var model = assignment.StatisticsModel!;
        var clock = Stopwatch.StartNew();
        using var classifier = await LoadClassifierAsync(assignment, model, cancellationToken);
        var datasetPath = plan.Datasets[model];
        var data = ReadDataset(model, datasetPath);
        CheckFits(classifier, data, model, datasetPath, plan.Kind);
        cancellationToken.ThrowIfCancellationRequested();
        var samples = Math.Min(plan.Samples, data.TrainCount);
        var datasetHash = MergeStatistics.DatasetHash(data, plan.Samples);
        var file = $"{plan.Kind}-{assignment.Unit.Index}.safetensors";
        var cache = StatisticsCache.For(assignment.OutputLocation);
        var key = StatisticsCache.Key(plan.Kind, classifier, datasetHash, samples);
        if (cache?.TryRead(key) is { } cached)
        {
            await stores.OpenOutput(assignment.OutputLocation, assignment.JobId).WriteIntermediateAsync(file, cached, cancellationToken);
            return new StatisticsUnitResult(model, plan.Kind, file, Convert.ToHexStringLower(SHA256.HashData(cached)), samples, datasetHash, clock.Elapsed.TotalSeconds) { Cached = true }.ToJson();
        }

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
        var bytes = StatisticsFile.Encode(statistics, new Dictionary<string, string>
        {
            ["kind"] = plan.Kind,
            ["model"] = model,
            ["samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        await stores.OpenOutput(assignment.OutputLocation, assignment.JobId).WriteIntermediateAsync(file, bytes, cancellationToken);
        cache?.Write(key, bytes);
        return new StatisticsUnitResult(model, plan.Kind, file, Convert.ToHexStringLower(SHA256.HashData(bytes)), samples, datasetHash, clock.Elapsed.TotalSeconds).ToJson();
    }

    public async Task<Func<string, string, TensorSource?>> OpenAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var plan = PlanOf(assignment);
        if (plan.Learning is not null)
        {
            var learned = CoefficientsUnitResult.Parse(assignment.StatisticsResults.SingleOrDefault()
                ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the coefficient unit left no coefficients"));
            return (model, tensor) => learned.Of(model, tensor) is { } lambda ? new ArrayTensorSource([(float)lambda], 1) : null;
        }

        var results = assignment.StatisticsResults.Select(StatisticsUnitResult.Parse).ToList();
        var output = stores.OpenOutput(assignment.OutputLocation, assignment.JobId);
        var byModel = new Dictionary<string, Dictionary<string, ArrayTensorSource>>(StringComparer.Ordinal);
        // A language model's statistics are a file per block (at 7B widths about 1 GB each): a merge unit keeps only
        // the Gram matrices of its own tensors and reads only the files of their blocks (lm_head's is the last block's).
        var unitTensors = UnitTensorNames(assignment);
        var unitBlocks = unitTensors.Select(n => LanguageModelBlocks.BlockOf(n) ?? plan.Blocks - 1).ToHashSet();
        foreach (var model in plan.Models)
        {
            // A sequential kind leaves one file per layer for each model; the others one per model.
            // A sequential kind leaves one file per layer, a language model one per block.
            var expected = Math.Max(1, plan.Layers + plan.Blocks);
            var files = results.Where(r => r.Model == model && r.Kind == plan.Kind).ToList();
            if (files.Count != expected)
            {
                throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the statistics phase left {files.Count} {plan.Kind} statistics files for model '{model}', expected {expected}");
            }

            var tensors = new Dictionary<string, ArrayTensorSource>(StringComparer.Ordinal);
            foreach (var result in files.Where(r => r.Block is not { } block || unitBlocks.Contains(block)))
            {
                var bytes = await ReadStagedAsync(assignment, output, result.File, result.Sha256, model, cancellationToken);
                foreach (var (name, source) in StatisticsFile.Decode(bytes, $"{result.File} (statistics of '{model}')"))
                {
                    if (plan.Blocks == 0 || unitTensors.Contains(name))
                    {
                        tensors[name] = source;
                    }
                }
            }

            byModel[model] = tensors;
        }

        return (model, tensor) => byModel.TryGetValue(model, out var tensors) && tensors.TryGetValue(tensor, out var source) ? source : null;
    }

    private static HashSet<string> UnitTensorNames(UnitAssignment assignment) =>
        assignment.Unit.Tensors.Concat(assignment.Members.SelectMany(m => m.Unit.Tensors)).SelectMany(t => t.Inputs).Select(i => i.Tensor).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// A unit of a sequential phase (RegMean++): the Gram matrix of its model's inputs to one layer, where those inputs
    /// come through the merged layers before it. Layer 0 reads the dataset; layer l solves layer l-1's merge from every
    /// model's weights and the previous phase's Gram matrices (what the merge units will write, by the same kernel),
    /// moves its model's staged inputs of layer l-1 through it, and stages the Gram matrix and, but for the last layer,
    /// the inputs for the next unit. The arithmetic is <see cref="RegMeanPlusPlusMethod"/>'s.
    /// </summary>
    private async Task<string> ComputeLayerAsync(UnitAssignment assignment, StatisticsPlan plan, CancellationToken cancellationToken)
    {
        var model = assignment.StatisticsModel!;
        var layer = assignment.StatisticsLayer ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): a statistics unit of {plan.Kind} names no layer");
        var clock = Stopwatch.StartNew();
        var output = stores.OpenOutput(assignment.OutputLocation, assignment.JobId);
        Tensor inputs;
        int samples;
        string datasetHash;
        if (layer == 0)
        {
            using var classifier = await LoadClassifierAsync(assignment, model, cancellationToken);
            var datasetPath = plan.Datasets[model];
            var data = ReadDataset(model, datasetPath);
            CheckFits(classifier, data, model, datasetPath, plan.Kind);
            var (x, y) = MergeStatistics.Inputs(data, plan.Samples);
            y.Dispose();
            inputs = x;
            samples = Math.Min(plan.Samples, data.TrainCount);
            datasetHash = MergeStatistics.DatasetHash(data, plan.Samples);
        }
        else
        {
            var previous = assignment.StatisticsResults.Select(StatisticsUnitResult.Parse).Where(r => r.Layer == layer - 1).ToList();
            StatisticsUnitResult Of(string m) => previous.SingleOrDefault(r => r.Model == m)
                ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the statistics phase of layer {layer - 1} left no result for model '{m}'");
            var own = Of(model);
            var ownInputs = StatisticsFile.Decode(await ReadStagedAsync(assignment, output, own.InputsFile ?? "", own.InputsSha256 ?? "", model, cancellationToken), $"{own.InputsFile} (layer {layer - 1} inputs of '{model}')");
            var weightName = MultiTaskNetwork.Weight(layer - 1);
            var weights = new List<float[]>();
            var biases = new List<float[]>();
            var grams = new List<float[]>();
            IReadOnlyList<long> shape = [];
            foreach (var m in plan.Models)
            {
                var result = Of(m);
                var gram = StatisticsFile.Decode(await ReadStagedAsync(assignment, output, result.File, result.Sha256, m, cancellationToken), $"{result.File} (statistics of '{m}')");
                grams.Add(gram.TryGetValue(weightName, out var g) ? g.ReadAll() : throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the statistics of '{m}' have no Gram matrix of '{weightName}'"));
                var (weight, weightShape) = await ReadTensorAsync(assignment, m, weightName, cancellationToken);
                weights.Add(weight);
                shape = weightShape;
                biases.Add((await ReadTensorAsync(assignment, m, MultiTaskNetwork.Bias(layer - 1), cancellationToken)).Values);
            }

            var solved = RegMeanMergeMethod.Solve(weights, grams, (int)shape[0], (int)shape[1], plan.Ratio, weightName);
            var source = ownInputs.TryGetValue(InputsTensor, out var staged) ? staged : throw new MergeMethodException($"{own.InputsFile}: no '{InputsTensor}' tensor");
            using var previousInputs = tensor(source.ReadAll(), source.Shape.ToArray());
            using var mergedWeight = tensor(solved, shape.ToArray());
            using var mergedBias = tensor(RegMeanMergeMethod.Average(biases), [shape[0]]);
            inputs = MergeStatistics.SingleThreaded(() => MergeStatistics.NextLayerInputs(previousInputs, mergedWeight, mergedBias));
            samples = own.Samples;
            datasetHash = own.DatasetSha256;
        }

        using (inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var gramOfLayer = new NamedTensors();
            gramOfLayer.Add(MultiTaskNetwork.Weight(layer), MergeStatistics.SingleThreaded(() => MergeStatistics.Gram(inputs)));
            var metadata = new Dictionary<string, string>
            {
                ["kind"] = plan.Kind,
                ["model"] = model,
                ["layer"] = layer.ToString(CultureInfo.InvariantCulture),
                ["samples"] = samples.ToString(CultureInfo.InvariantCulture),
            };
            var bytes = StatisticsFile.Encode(gramOfLayer, metadata);
            var file = $"{plan.Kind}-{assignment.Unit.Index}.safetensors";
            await output.WriteIntermediateAsync(file, bytes, cancellationToken);
            var result = new StatisticsUnitResult(model, plan.Kind, file, Convert.ToHexStringLower(SHA256.HashData(bytes)), samples, datasetHash, 0) { Layer = layer };
            if (layer < plan.Layers - 1)
            {
                using var staged = new NamedTensors();
                staged.Add(InputsTensor, inputs.alias());
                var inputBytes = StatisticsFile.Encode(staged, metadata);
                var inputsFile = $"inputs-{assignment.Unit.Index}.safetensors";
                await output.WriteIntermediateAsync(inputsFile, inputBytes, cancellationToken);
                result = result with { InputsFile = inputsFile, InputsSha256 = Convert.ToHexStringLower(SHA256.HashData(inputBytes)) };
            }

            return (result with { Seconds = clock.Elapsed.TotalSeconds }).ToJson();
        }
    }

    /// <summary>
    /// AdaMerging's coefficient unit: every model's backbone (all layers but the last) as a task vector from the base's,
    /// each model's last layer as its task head, the held-out inputs of its dataset as the unlabelled data; λ learned by
    /// <see cref="AdaMergingMethod.Learn"/>, the in-process method's code, with the plan's steps, batch, rate and seed.
    /// </summary>
    private async Task<string> LearnCoefficientsAsync(UnitAssignment assignment, StatisticsPlan plan, CoefficientLearning learning, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var baseClassifier = await LoadClassifierAsync(assignment, learning.Base, cancellationToken);
        var last = MultiTaskNetwork.LayerCount(baseClassifier) - 1;
        if (last < 1)
        {
            throw new MergeMethodException($"model '{learning.Base}': adamerging needs at least two layers (a backbone and the last layer as each task's head)");
        }

        var backboneNames = MultiTaskNetwork.BackboneNames(last);
        using var pretrained = Backbone(baseClassifier, backboneNames);
        var backbones = new List<NamedTensors>();
        var heads = new List<NamedTensors>();
        var inputs = new List<Tensor>();
        try
        {
            foreach (var model in plan.Models)
            {
                using var classifier = await LoadClassifierAsync(assignment, model, cancellationToken);
                if (MultiTaskNetwork.LayerCount(classifier) != last + 1)
                {
                    throw new MergeMethodException($"model '{model}' has {MultiTaskNetwork.LayerCount(classifier)} layers, base model '{learning.Base}' {last + 1}");
                }

                var data = ReadDataset(model, plan.Datasets[model]);
                CheckFits(classifier, data, model, plan.Datasets[model], plan.Kind);
                var heldOut = data.Indices(DatasetSplit.HeldOut);
                if (heldOut.Length == 0)
                {
                    throw new MergeMethodException($"model '{model}': dataset '{plan.Datasets[model]}' has no held-out samples, the unlabelled data adamerging learns on");
                }

                backbones.Add(Backbone(classifier, backboneNames));
                var head = new NamedTensors();
                head.Add(MultiTaskNetwork.HeadWeight, classifier[MultiTaskNetwork.Weight(last)].clone());
                head.Add(MultiTaskNetwork.HeadBias, classifier[MultiTaskNetwork.Bias(last)].clone());
                heads.Add(head);
                inputs.Add(MultiTaskNetwork.Inputs(data, heldOut));
            }

            var coefficients = MergeStatistics.SingleThreaded(() => AdaMergingMethod.Learn(pretrained, backbones, heads, inputs, learning.Steps, learning.Batch, learning.LearningRate, learning.Seed, cancellationToken));
            var rows = Enumerable.Range(0, plan.Models.Count).Select(i => Enumerable.Range(0, backboneNames.Count).Select(k => coefficients[i, k]).ToArray()).ToList();
            return new CoefficientsUnitResult(plan.Models, backboneNames, rows, learning.Steps, clock.Elapsed.TotalSeconds).ToJson();
        }
        finally
        {
            backbones.ForEach(b => b.Dispose());
            heads.ForEach(h => h.Dispose());
            inputs.ForEach(i => i.Dispose());
        }
    }

    private static NamedTensors Backbone(NamedTensors classifier, IReadOnlyList<string> names)
    {
        var backbone = new NamedTensors();
        foreach (var name in names)
        {
            backbone.Add(name, classifier[name].clone());
        }

        return backbone;
    }

    /// <summary>The name of the one tensor of a staged inputs file.</summary>
    private const string InputsTensor = "inputs";

    /// <summary>A staged statistics file's bytes, checked against the hash its unit reported.</summary>
    public static async Task<byte[]> ReadStagedAsync(UnitAssignment assignment, IMergeOutput output, string file, string sha256, string model, CancellationToken cancellationToken)
    {
        var bytes = await output.ReadIntermediateAsync(file, cancellationToken);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != sha256)
        {
            throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the staged statistics '{file}' of model '{model}' are not the bytes the statistics unit wrote");
        }

        return bytes;
    }

    private async Task<(float[] Values, IReadOnlyList<long> Shape)> ReadTensorAsync(UnitAssignment assignment, string model, string name, CancellationToken cancellationToken)
    {
        var location = assignment.ModelPaths[model];
        var checkpoint = await checkpoints.GetAsync(location, assignment.PlannedVersions(location), cancellationToken);
        if (!checkpoint.TensorNames.Contains(name))
        {
            throw new MergeMethodException($"model '{model}': {location} has no tensor '{name}'");
        }

        using var stored = await checkpoint.OpenTensorAsync(name, cancellationToken);
        return (stored.ReadAll(), stored.Shape.ToList());
    }

    private static ImageDataset ReadDataset(string model, string datasetPath)
    {
        try
        {
            return ImageDatasetFile.Read(datasetPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or DatasetFormatException)
        {
            throw new MergeMethodException($"model '{model}': dataset '{datasetPath}' cannot be read: {e.Message}");
        }
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

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FusionCluster.Connectivity.LanguageModels;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Language;
using FusionCluster.Language.DataAware;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Models;

namespace FusionCluster.Connectivity.Jobs;

/// <summary>
/// The statistics phase of a data-aware merge job on a worker silo, for classifiers and llama-family checkpoints.
/// Classifiers go to <see cref="JobStatistics"/>. A language model's unit (<see cref="StatisticsPlan.Blocks"/>) reads
/// its model's text file (the spec's <c>dataset:</c>), tokenizes it with the model's own tokenizer.json (as
/// activation matching does), takes <see cref="StatisticsPlan.Samples"/> windows of the model's context
/// (max_position_embeddings, at most 2048 tokens; <see cref="TokenSamples.Draw"/> with seed 0), and computes its
/// block's statistics on the CPU in a fixed order, so any silo stages the same bytes: regmean's Gram matrices with
/// <see cref="LanguageGrams.ComputeStreamedAsync"/> (one decoder block in memory at a time), fisher's diagonal Fishers
/// of the block's parameters with <see cref="LanguageFishers"/> (every window runs forward and backward through the
/// whole model, so that unit loads it whole, but only the block's gradients are kept, so a unit's float64 sums stay
/// one block's). The file is cached beside the output (<see cref="StatisticsCache"/>) by the model's parameters, the
/// windows' tokens, the block and the sample count. RegMean++'s unit of block b computes the Gram matrices the same way
/// but with the merged embeddings and blocks 0 .. b-1 (<see cref="RegMeanPlusPlusPrefix"/>) in place of the model's, so
/// it is not cached. Merge units read every file through <see cref="JobStatistics"/>.
/// </summary>
public sealed class LanguageJobStatistics(ArtifactStores stores, CheckpointCache checkpoints) : IInputStatistics
{
    /// <summary>The seed of the windows drawn from each model's text.</summary>
    public const int WindowSeed = 0;

    private readonly JobStatistics classifiers = new(stores, checkpoints);

    public Task<string> ComputeAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return assignment.Statistics switch
        {
            { Blocks: > 0, Learning: { } learning } plan => LearnCoefficientsAsync(assignment, plan, learning, cancellationToken),
            { Blocks: > 0 } plan => ComputeBlockAsync(assignment, plan, cancellationToken),
            _ => classifiers.ComputeAsync(assignment, cancellationToken),
        };
    }

    public Task<Func<string, string, TensorSource?>> OpenAsync(UnitAssignment assignment, CancellationToken cancellationToken) =>
        classifiers.OpenAsync(assignment, cancellationToken);

    /// <summary>The windows a statistics unit computes a model's Gram matrices on: <paramref name="samples"/> of the text's token windows of the model's context.</summary>
    public static IReadOnlyList<int[]> Windows(IReadOnlyList<int> ids, LanguageModelConfig config, int samples, string model, string textFile)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(config);
        if (ids.Count < 2)
        {
            throw new MergeMethodException($"model '{model}': text file '{textFile}' has {ids.Count} token(s); its statistics need at least 2");
        }

        if (ids.Where(id => id < 0 || id >= config.VocabSize).Select(id => (int?)id).FirstOrDefault() is { } outside)
        {
            throw new MergeMethodException($"model '{model}': its tokenizer gives token id {outside} for '{textFile}', outside its vocabulary of {config.VocabSize}");
        }

        return TokenSamples.Draw(ids, PerplexityCalculator.DefaultContext(config), samples, WindowSeed);
    }

    private async Task<string> ComputeBlockAsync(UnitAssignment assignment, StatisticsPlan plan, CancellationToken cancellationToken)
    {
        var model = assignment.StatisticsModel!;
        var block = assignment.StatisticsBlock ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): a statistics unit of a language model names no block");
        var clock = Stopwatch.StartNew();
        var checkpoint = await CheckpointOfAsync(assignment, model, cancellationToken);
        var config = ConfigOf(checkpoint, model, plan);
        var (windows, textHash) = await TextWindowsAsync(checkpoint, config, model, plan, $"{plan.Kind} statistics unit", cancellationToken);
        var file = $"{plan.Kind}-{assignment.Unit.Index}.safetensors";
        var output = stores.OpenOutput(assignment.OutputLocation, assignment.JobId);
        // RegMean++'s statistics depend on every model and every earlier block's merge: not cached across jobs.
        var sequential = StatisticsKinds.IsSequential(plan.Kind);
        var cache = sequential ? null : StatisticsCache.For(assignment.OutputLocation);
        var fingerprint = await LanguageGrams.FingerprintAsync(checkpoint, model, cancellationToken);
        var key = StatisticsCache.Key(string.Create(CultureInfo.InvariantCulture, $"{plan.Kind} block {block}"), fingerprint, LanguageGrams.WindowsHash(windows), windows.Count);
        var result = new StatisticsUnitResult(model, plan.Kind, file, "", windows.Count, textHash, 0) { Block = block };
        if (cache?.TryRead(key) is { } cached)
        {
            await output.WriteIntermediateAsync(file, cached, cancellationToken);
            return (result with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(cached)), Seconds = clock.Elapsed.TotalSeconds, Cached = true }).ToJson();
        }

        var names = checkpoint.TensorNames.ToList();
        using var statistics = plan.Kind switch
        {
            // One block of the model in memory at a time, not the whole float32 model.
            StatisticsKinds.Gram => await MergeStatistics.SingleThreadedAsync(() => LanguageGrams.ComputeStreamedAsync(checkpoint, model, windows, block, names, cancellationToken)),
            // The same, after the merge of the blocks before this one (its embeddings and blocks, read in their place).
            StatisticsKinds.MergedGram => await MergeStatistics.SingleThreadedAsync(() => LanguageGrams.ComputeStreamedAsync(checkpoint, model, windows, block, names, MergedPrefix(assignment, plan, block, output).SubstituteAsync, cancellationToken)),
            StatisticsKinds.Fisher => await FishersAsync(checkpoint, model, windows, LanguageFishers.BlockTensors(names, block, plan.Blocks), cancellationToken),
            _ => throw new MergeMethodException($"statistics of kind '{plan.Kind}' of language models are not computed by this worker"),
        };
        var bytes = StatisticsFile.Encode(statistics, new Dictionary<string, string>
        {
            ["kind"] = plan.Kind,
            ["model"] = model,
            ["block"] = block.ToString(CultureInfo.InvariantCulture),
            ["samples"] = windows.Count.ToString(CultureInfo.InvariantCulture),
        });
        await output.WriteIntermediateAsync(file, bytes, cancellationToken);
        cache?.Write(key, bytes);
        return (result with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), Seconds = clock.Elapsed.TotalSeconds }).ToJson();
    }

    /// <summary>
    /// RegMean++'s merge before <paramref name="block"/>, solved from every model's weights and the Gram matrices the
    /// earlier blocks' units staged (this unit's <see cref="UnitAssignment.StatisticsResults"/>).
    /// </summary>
    private RegMeanPlusPlusPrefix MergedPrefix(UnitAssignment assignment, StatisticsPlan plan, int block, IMergeOutput output)
    {
        var earlier = assignment.StatisticsResults.Select(StatisticsUnitResult.Parse).ToList();
        async Task<ArrayTensorSource> Weight(string model, string name, CancellationToken cancellationToken)
        {
            var checkpoint = await CheckpointOfAsync(assignment, model, cancellationToken);
            using var stored = await checkpoint.OpenTensorAsync(name, cancellationToken);
            return new ArrayTensorSource(stored.ReadAll(), [.. stored.Shape]);
        }

        async Task<IReadOnlyDictionary<string, TensorSource>> Grams(string model, int of, CancellationToken cancellationToken)
        {
            var result = earlier.SingleOrDefault(r => r.Model == model && r.Kind == plan.Kind && r.Block == of)
                ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the statistics phase of block {of} left no {plan.Kind} result for model '{model}'");
            var bytes = await JobStatistics.ReadStagedAsync(assignment, output, result.File, result.Sha256, model, cancellationToken);
            return StatisticsFile.Decode(bytes, $"{result.File} (statistics of '{model}')").ToDictionary(p => p.Key, p => (TensorSource)p.Value, StringComparer.Ordinal);
        }

        return new RegMeanPlusPlusPrefix(plan.Models, block, plan.Ratio, Weight, Grams);
    }

    /// <summary>The diagonal Fishers of <paramref name="tensorNames"/>: backward passes need the whole model in memory.</summary>
    private static async Task<NamedTensors> FishersAsync(
        ICheckpoint checkpoint, string model, IReadOnlyList<int[]> windows, IReadOnlyCollection<string> tensorNames, CancellationToken cancellationToken)
    {
        using var language = await LanguageModelCheckpoint.LoadAsync(checkpoint, model, cancellationToken: cancellationToken);
        return MergeStatistics.SingleThreaded(() => LanguageFishers.Compute(language, windows, tensorNames, cancellationToken));
    }

    /// <summary>
    /// AdaMerging's coefficient unit for llamas: each fine-tune's windows drawn from its text as a statistics unit draws
    /// them, λ per fine-tune and group learned by <see cref="LanguageAdaMerging.LearnStreamedAsync"/> single-threaded
    /// (so any silo learns the same bits) with one part of the merged model in memory at a time, read from the
    /// checkpoints, never a whole model. The result is cached beside the output by the models' parameters, the windows'
    /// tokens and the learning options.
    /// </summary>
    private async Task<string> LearnCoefficientsAsync(UnitAssignment assignment, StatisticsPlan plan, CoefficientLearning learning, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var groups = LanguageAdaMerging.Groups(plan.Blocks);
        var baseCheckpoint = await CheckpointOfAsync(assignment, learning.Base, cancellationToken);
        var baseConfig = ConfigOf(baseCheckpoint, learning.Base, plan);
        var fineTunes = new List<(ICheckpoint Checkpoint, string Name)>();
        var windows = new List<IReadOnlyList<int[]>>();
        var baseFingerprint = await LanguageGrams.FingerprintAsync(baseCheckpoint, learning.Base, cancellationToken);
        var key = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{plan.Kind} steps {learning.Steps} batch {learning.Batch} lr {learning.LearningRate:R} seed {learning.Seed}\nbase {baseFingerprint}\n"));
        foreach (var model in plan.Models)
        {
            var checkpoint = await CheckpointOfAsync(assignment, model, cancellationToken);
            var config = ConfigOf(checkpoint, model, plan);
            fineTunes.Add((checkpoint, model));
            var (drawn, _) = await TextWindowsAsync(checkpoint, config, model, plan, "adamerging's coefficient unit", cancellationToken);
            windows.Add(drawn);
            var fingerprint = await LanguageGrams.FingerprintAsync(checkpoint, model, cancellationToken);
            key.Append(CultureInfo.InvariantCulture, $"{model} {fingerprint} {LanguageGrams.WindowsHash(drawn)}\n");
        }

        var cache = StatisticsCache.For(assignment.OutputLocation);
        var cacheKey = StatisticsCache.Key(plan.Kind, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString()))), "", plan.Samples);
        if (cache?.TryRead(cacheKey) is { } cached)
        {
            return (CoefficientsUnitResult.Parse(Encoding.UTF8.GetString(cached)) with { Seconds = clock.Elapsed.TotalSeconds, Cached = true }).ToJson();
        }

        var coefficients = await MergeStatistics.SingleThreadedAsync(() => LanguageAdaMerging.LearnStreamedAsync(baseCheckpoint, learning.Base, fineTunes, windows, learning.Steps, learning.Batch, learning.LearningRate, learning.Seed, cancellationToken));

        var rows = Enumerable.Range(0, plan.Models.Count).Select(i => Enumerable.Range(0, groups.Count).Select(g => coefficients[i, g]).ToArray()).ToList();
        var tensorGroups = LanguageAdaMerging.TensorNames(baseConfig).ToDictionary(name => name, LanguageAdaMerging.GroupOf, StringComparer.Ordinal);
        var result = new CoefficientsUnitResult(plan.Models, groups, rows, learning.Steps, 0) { TensorGroups = tensorGroups };
        cache?.Write(cacheKey, Encoding.UTF8.GetBytes(result.ToJson()));
        return (result with { Seconds = clock.Elapsed.TotalSeconds }).ToJson();
    }

    private async Task<ICheckpoint> CheckpointOfAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken)
    {
        var location = assignment.ModelPaths[model];
        return await checkpoints.GetAsync(location, assignment.PlannedVersions(location), cancellationToken);
    }

    /// <summary>The model's config, checked against the blocks the job planned.</summary>
    private static LanguageModelConfig ConfigOf(ICheckpoint checkpoint, string model, StatisticsPlan plan)
    {
        var (config, _) = LanguageModelCheckpoint.ReadConfig(checkpoint, model);
        return config.NumHiddenLayers == plan.Blocks
            ? config
            : throw new MergeMethodException($"model '{model}': its config has {config.NumHiddenLayers} decoder blocks, the job planned {plan.Blocks}");
    }

    /// <summary>The windows of <paramref name="model"/>'s text (the spec's <c>dataset:</c>) its statistics are computed on, and the SHA-256 of the text file.</summary>
    private static async Task<(IReadOnlyList<int[]> Windows, string TextHash)> TextWindowsAsync(ICheckpoint checkpoint, LanguageModelConfig config, string model, StatisticsPlan plan, string unit, CancellationToken cancellationToken)
    {
        var textFile = plan.Datasets[model];
        byte[] textBytes;
        try
        {
            textBytes = await File.ReadAllBytesAsync(textFile, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MergeMethodException($"model '{model}': text file '{textFile}' cannot be read: {e.Message}");
        }

        var ids = await LanguageJobMatching.EncodeAsync(checkpoint, model, Encoding.UTF8.GetString(textBytes), unit, cancellationToken);
        return (Windows(ids, config, plan.Samples, model, textFile), Convert.ToHexStringLower(SHA256.HashData(textBytes)));
    }
}

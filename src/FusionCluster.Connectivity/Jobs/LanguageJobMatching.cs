using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Specs;
using FusionCluster.Connectivity.LanguageModels;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Language;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;

namespace FusionCluster.Connectivity.Jobs;

/// <summary>
/// activation_matching of llama-family checkpoints inside a merge job, on a worker silo: the plan's text file
/// (align.dataset) tokenized by the reference's tokenizer (the aligned model's must give the same ids), the
/// plan's samples of its windows of the reference's context (max_position_embeddings, at most 2048 tokens) drawn
/// by the plan's seed, and <see cref="LanguageActivationMatcher.MatchStreamedAsync"/> on both models, read block by block from the
/// checkpoints the job planned with. Everything runs on the CPU in a fixed order, so any silo finds the same permutations, and
/// <c>fusion connect --text --align activation_matching</c> finds them too on the same windows.
/// </summary>
public static class LanguageJobMatching
{
    /// <summary>True for a checkpoint whose tensor names are a llama family's.</summary>
    public static bool IsLanguageModel(ICheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return LlamaPermutationSpec.Recognises(checkpoint.TensorNames.ToDictionary(n => n, _ => Array.Empty<long>(), StringComparer.Ordinal));
    }

    /// <param name="stateBudgetBytes">The correlation state a pass over the text may hold (<see cref="LanguageActivationMatcher"/>'s passes).</param>
    public static async Task<AlignmentResult> MatchAsync(AlignPlan plan, ICheckpoint reference, ICheckpoint model, string modelName, long stateBudgetBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(model);
        var textFile = plan.DatasetFile ?? throw new Alignment.AlignmentException("activation_matching needs align.dataset (a text file for language models)");
        var text = await File.ReadAllTextAsync(textFile, cancellationToken);
        var ids = await EncodeAsync(reference, plan.Reference, text, "activation matching", cancellationToken);
        var modelIds = await EncodeAsync(model, modelName, text, "activation matching", cancellationToken);
        if (!ids.AsSpan().SequenceEqual(modelIds))
        {
            throw new LanguageModelException($"model '{plan.Reference}' and model '{modelName}' tokenize {textFile} differently; activation matching compares them on the same tokens");
        }

        var shapes = model.TensorNames.ToDictionary(n => n, n => model.GetEntry(n).Shape, StringComparer.Ordinal);
        var spec = PermutationSpecs.Resolve(model.Config, shapes, plan.PermutationSpecFile, $"model '{modelName}'");
        var (config, _) = LanguageModelCheckpoint.ReadConfig(reference, plan.Reference);
        // One decoder block of each model in memory at a time, not both whole float32 models.
        return await LanguageActivationMatcher.MatchStreamedAsync(reference, plan.Reference, model, modelName, spec, ids, PerplexityCalculator.DefaultContext(config), plan.Samples, plan.Seed, new JonkerVolgenantSolver(), stateBudgetBytes, cancellationToken);
    }

    /// <summary>The text's token ids by the model's own tokenizer.json (both alignment and statistics units read text so).</summary>
    /// <param name="purpose">What needs the tokens, for the error when the model has no tokenizer.</param>
    internal static async Task<int[]> EncodeAsync(ICheckpoint checkpoint, string name, string text, string purpose, CancellationToken cancellationToken)
    {
        if (!checkpoint.AuxiliaryFiles.Contains(HfTokenizer.FileName, StringComparer.Ordinal))
        {
            throw new LanguageModelException($"model '{name}' ({checkpoint.Location}): no {HfTokenizer.FileName}; {purpose} tokenizes the text with it");
        }

        var json = await checkpoint.ReadAuxiliaryFileAsync(HfTokenizer.FileName, cancellationToken);
        using var tokenizer = HfTokenizer.FromBytes(json, $"model '{name}' ({checkpoint.Location}) {HfTokenizer.FileName}");
        return tokenizer.Encode(text);
    }
}

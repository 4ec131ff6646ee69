using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FusionCluster.Core.ChatTemplates;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tokenizers;

namespace FusionCluster.Core.Execution;

/// <summary>Resolves a spec's models to stored checkpoints and reads their headers (never tensor data).</summary>
public static class ModelCatalog
{
    /// <summary>
    /// Each opened checkpoint's model as the planner sees it, by its reference and location: the candidates of a
    /// shared-input job plan the same inputs hundreds of times, and each found its models' layer layout again (a quarter
    /// of planning a candidate). Weakly held by the checkpoint: a checkpoint that changed is opened anew, its models too.
    /// </summary>
    private static readonly ConditionalWeakTable<ICheckpoint, ConcurrentDictionary<(string Reference, string Location), ModelInfo>> Models = new();

    public static async Task<IReadOnlyDictionary<string, ModelInfo>> LoadAsync(
        MergeSpec spec, string specDirectory, ArtifactStores stores, CheckpointCache checkpoints, CancellationToken cancellationToken)
    {
        var models = new Dictionary<string, ModelInfo>(StringComparer.Ordinal);
        foreach (var reference in spec.AllModels())
        {
            string location;
            try
            {
                location = stores.Resolve(reference, specDirectory, mustExist: true);
            }
            catch (StorageException e)
            {
                throw new SpecException($"model '{reference}': {e.Message}");
            }

            var checkpoint = await checkpoints.GetAsync(location, cancellationToken);
            var model = Models.GetOrCreateValue(checkpoint).GetOrAdd((reference, location), key => new ModelInfo(key.Reference, key.Location, checkpoint.Config, Headers(checkpoint)));
            var chatTemplate = spec.ChatTemplate == ChatTemplateChoice.Auto ? await ReadChatTemplateAsync(reference, checkpoint, cancellationToken) : null;
            var vocabulary = NeedsVocabulary(spec, reference) ? await ReadVocabularyAsync(spec, reference, checkpoint, cancellationToken) : null;
            models[reference] = chatTemplate is null && vocabulary is null ? model : model with { ChatTemplate = chatTemplate, Vocabulary = vocabulary };
        }

        return models;
    }

    private static Dictionary<string, TensorHeader> Headers(ICheckpoint checkpoint) => checkpoint.TensorNames.ToDictionary(
        name => name,
        name => { var e = checkpoint.GetEntry(name); return new TensorHeader(e.DType, e.Shape); },
        StringComparer.Ordinal);

    private static async Task<TokenizerVocabulary> ReadVocabularyAsync(MergeSpec spec, string reference, ICheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (!checkpoint.AuxiliaryFiles.Contains(TokenizerVocabulary.FileName, StringComparer.Ordinal))
        {
            var others = checkpoint.AuxiliaryFiles.Contains("tokenizer.model", StringComparer.Ordinal) ? " (it has only a sentencepiece tokenizer.model)" : "";
            throw new SpecException(
                $"{Reader(spec)}: model '{reference}' has no {TokenizerVocabulary.FileName} in {checkpoint.Location}{others}; " +
                $"{Reader(spec)} reads every input model's fast-tokenizer tokenizer.json (save the tokenizer with transformers' save_pretrained to get one)");
        }

        var where = $"{checkpoint.Location}/{TokenizerVocabulary.FileName}";
        try
        {
            return TokenizerVocabulary.Parse(await checkpoint.ReadAuxiliaryFileAsync(TokenizerVocabulary.FileName, cancellationToken), where);
        }
        catch (TokenizerException e)
        {
            throw new SpecException($"{Reader(spec)}: model '{reference}': {e.Message}");
        }
    }

    /// <summary>Under union every model's tokens matter; tokenizer.tokens alone needs the output tokenizer's and its source models'.</summary>
    private static bool NeedsVocabulary(MergeSpec spec, string reference)
    {
        if (spec.TokenizerSource == TokenizerSourceKind.Union)
        {
            return true;
        }

        var tokenizerModel = spec.TokenizerSource == TokenizerSourceKind.Model ? spec.TokenizerModel : spec.BaseModel ?? spec.Slices[0].Sources[0].Model;
        return spec.TokenEmbeddings.Count > 0 && (reference == tokenizerModel || spec.TokenEmbeddings.Any(t => t.Model == reference));
    }

    private static string Reader(MergeSpec spec) =>
        spec.TokenizerSource == TokenizerSourceKind.Union ? "tokenizer source union" : "tokenizer.tokens";

    private static async Task<string?> ReadChatTemplateAsync(string reference, ICheckpoint checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await TokenizerChatTemplate.ReadAsync(checkpoint, cancellationToken);
        }
        catch (CheckpointException e)
        {
            // mergekit skips a model whose tokenizer does not load; failing says which one before anything is
            // merged, rather than letting auto quietly pick from the others.
            throw new SpecException($"chat_template: auto reads every input model's chat template, and model '{reference}' has a broken one: {e.Message}");
        }
    }
}

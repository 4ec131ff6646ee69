using System.Globalization;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Models;
using FusionCluster.Language.Models;

namespace FusionCluster.Language.Ensembles;

/// <summary>
/// Whether an ensemble's members fit together, decided by the first member's model_type: language models
/// (<see cref="LanguageModelEnsemble.Open"/>: one tokenizer, one vocabulary) or classifiers
/// (<see cref="ClassifierEnsemble.Load"/>: one input shape, one set of classes). Errors name the member.
/// </summary>
public static class EnsembleCompatibility
{
    /// <summary>Checks the members and says what the ensemble is, e.g. "2 language models sharing a tokenizer of 257 tokens".</summary>
    public static string Check(EnsembleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var first = manifest.Members[0];
        var configPath = Path.Combine(first.Folder, CheckpointFolder.ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new EvaluationException($"member '{first.Path}': {configPath} is missing; members must be model folders");
        }

        var modelType = LanguageModelCheckpoint.ReadConfigJson(configPath)["model_type"]?.ToString();
        if (modelType is not null && LanguageModelConfig.SupportedModelTypes.Contains(modelType, StringComparer.Ordinal))
        {
            var ensemble = LanguageModelEnsemble.Open(manifest);
            return string.Create(CultureInfo.InvariantCulture, $"{manifest.Members.Count} language model(s) sharing a tokenizer of {ensemble.Configs[0].VocabSize} tokens");
        }

        if (modelType is ClassifierConfig.MlpModelType or ClassifierConfig.CnnModelType)
        {
            using var ensemble = ClassifierEnsemble.Load(manifest);
            return string.Create(CultureInfo.InvariantCulture, $"{manifest.Members.Count} classifier(s) of {ensemble.Config.Channels}x{ensemble.Config.Height}x{ensemble.Config.Width} images into {ensemble.Config.NumLabels} classes");
        }

        throw new EvaluationException($"member '{first.Path}': {configPath} has model_type '{modelType ?? "(none)"}', neither a language model ({string.Join(", ", LanguageModelConfig.SupportedModelTypes)}) nor a classifier ({ClassifierConfig.MlpModelType}, {ClassifierConfig.CnnModelType})");
    }
}

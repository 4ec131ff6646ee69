using System.Globalization;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Language.Ensembles;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;

namespace FusionCluster.Language.Evaluation;

/// <summary>
/// Perplexity of a checkpoint folder's language model on a text file, tokenized once with the folder's own
/// tokenizer.json. Metrics: <c>perplexity</c>, <c>nll</c> (mean, natural log), <c>tokens</c> (predicted),
/// <c>windows</c>, <c>context</c> and <c>tokens_per_second</c>. An ensemble folder (<see cref="EnsembleManifest"/>) is
/// measured as its rule combines its members (<see cref="LanguageModelEnsemble"/>), with the members' shared tokenizer.
/// </summary>
/// <param name="textFile">UTF-8 text to measure on.</param>
/// <param name="context">Tokens per window; null for the config's max_position_embeddings capped at 2048.</param>
/// <param name="device">cpu, cuda or auto.</param>
/// <param name="roots">When given, every file of the model (or of an ensemble's members) is read only inside them, symlinks resolved.</param>
public sealed class PerplexityEvaluator(string textFile, int? context = null, string device = "cpu", LocalRoots? roots = null) : IEvaluator
{
    public string Name => "perplexity";

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(string checkpointFolder, CancellationToken cancellationToken = default)
    {
        // CPU-bound torch work; running it inline keeps torch on the caller's thread, as the other evaluators do.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var result = Evaluate(checkpointFolder, cancellationToken);
            return Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>(StringComparer.Ordinal)
            {
                [EvaluatorMetricNames.Perplexity] = result.Perplexity,
                [EvaluatorMetricNames.Nll] = result.MeanNll,
                [EvaluatorMetricNames.Tokens] = result.Tokens,
                [EvaluatorMetricNames.Windows] = result.Windows,
                [EvaluatorMetricNames.Context] = result.Context,
                [EvaluatorMetricNames.TokensPerSecond] = result.TokensPerSecond,
            });
        }
        catch (LanguageModelException e)
        {
            throw new EvaluationException(e.Message, e);
        }
    }

    public PerplexityResult Evaluate(string checkpointFolder, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(textFile);
        if (!File.Exists(path))
        {
            throw new LanguageModelException($"{path}: text file does not exist");
        }

        if (EnsembleManifest.IsEnsemble(checkpointFolder))
        {
            var ensemble = LanguageModelEnsemble.Open(EnsembleManifest.Read(checkpointFolder), roots);
            var ensembleIds = Encode(ensemble.TokenizerFolder, path);
            try
            {
                return ensemble.Perplexity(ensembleIds, context ?? ensemble.DefaultContext, LanguageDevice.Resolve(device), cancellationToken);
            }
            catch (LanguageModelException e)
            {
                throw new LanguageModelException(string.Create(CultureInfo.InvariantCulture, $"{checkpointFolder} on {path}: {e.Message}"), e);
            }
        }

        // The config first: a model this cannot run is reported as such, before its tokenizer is read.
        LanguageModelCheckpoint.ReadConfig(checkpointFolder, roots);
        var ids = Encode(checkpointFolder, path);
        using var model = LanguageModelCheckpoint.Load(checkpointFolder, LanguageDevice.Resolve(device), roots);
        var window = context ?? PerplexityCalculator.DefaultContext(model.Config);
        try
        {
            return PerplexityCalculator.Compute(model, ids, window, cancellationToken);
        }
        catch (LanguageModelException e)
        {
            throw new LanguageModelException(string.Create(CultureInfo.InvariantCulture, $"{checkpointFolder} on {path}: {e.Message}"), e);
        }
    }

    private int[] Encode(string tokenizerFolder, string textPath)
    {
        using var tokenizer = HfTokenizer.Load(tokenizerFolder, roots);

        // The text is a file the sweep names: inside the roots like the model's files, and only a regular file (a FIFO
        // would block the evaluation slot, /dev/zero fill the silo's memory).
        using var stream = LocalFile.OpenRegular((roots ?? LocalRoots.Anywhere).CheckFile(textPath, "text file"), "text file");
        using var reader = new StreamReader(stream);
        return tokenizer.Encode(reader.ReadToEnd());
    }
}

using System.CommandLine;
using System.Globalization;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Language;
using FusionCluster.Language.Ensembles;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion ensemble MODEL... --out DIR [--weights w1,w2,...] [--rule mean-probs|mean-logits|vote]: writes DIR/ensemble.json,
/// which fusion eval and the sweep evaluators accept wherever they accept a model. The members are checked first
/// (language models: one tokenizer and vocabulary; classifiers: one input shape and set of classes); nothing is
/// written when they do not fit.
/// </summary>
public static class EnsembleCommand
{
    public static Command Create()
    {
        var models = new Argument<DirectoryInfo[]>("models") { Description = "member checkpoint folders", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "folder to write ensemble.json into (members are recorded relative to it)", Required = true };
        var weights = new Option<string?>("--weights") { Description = "one non-negative weight per member, comma-separated (default: equal); normalised to sum to 1" };
        var rule = new Option<string>("--rule", "--combine") { Description = EnsembleRules.Description, DefaultValueFactory = _ => EnsembleRules.MeanProbs };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an ensemble.json already in --out" };

        var command = new Command("ensemble", "Make an ensemble of models: a folder with ensemble.json that evaluators accept as a model")
        {
            models, output, weights, rule, overwrite,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output)!.FullName;
            if (!EnsembleRules.TryParse(parse.GetValue(rule), out var chosenRule))
            {
                return MergeCommand.Fail($"--rule {parse.GetValue(rule)}: expected {EnsembleRules.MeanProbs}, {EnsembleRules.MeanLogits} or {EnsembleRules.Vote}");
            }

            if (File.Exists(folder))
            {
                return MergeCommand.Fail($"--out {folder}: a file, not a folder");
            }

            if (File.Exists(Path.Combine(folder, CheckpointFolder.ConfigFileName)) || (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.safetensors").Any()))
            {
                return MergeCommand.Fail($"{folder}: holds a model; an ensemble needs a folder of its own");
            }

            if (EnsembleManifest.IsEnsemble(folder) && !parse.GetValue(overwrite))
            {
                return MergeCommand.Fail($"{Path.Combine(folder, EnsembleManifest.FileName)}: already exists (use --overwrite to replace it)");
            }

            try
            {
                var weightList = parse.GetValue(weights) is { } text ? ParseWeights(text) : null;
                var manifest = EnsembleManifest.Create(folder, parse.GetValue(models)!.Select(m => m.FullName).ToList(), weightList, chosenRule);
                var what = EnsembleCompatibility.Check(manifest);
                manifest.Write();
                System.Console.WriteLine($"wrote {manifest.FilePath}: {what}, {manifest}");
                return 0;
            }
            catch (Exception e) when (e is EvaluationException or LanguageModelException or CheckpointException or FormatException or IOException or UnauthorizedAccessException)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }

    private static List<double> ParseWeights(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight)
                ? weight
                : throw new FormatException($"--weights {text}: '{part}' is not a number")).ToList();
}

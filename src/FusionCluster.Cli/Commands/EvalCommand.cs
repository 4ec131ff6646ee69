using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Language;
using FusionCluster.Language.Evaluation;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion eval MODEL [--task NAME] [--dataset FILE] [--text FILE [--context N]] [--compare DIR ...] [--base DIR] [--command CMD]: runs the chosen
/// evaluators on a checkpoint folder and prints their metrics, one per line or as one JSON object.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<DirectoryInfo>("model") { Description = "checkpoint folder to evaluate (e.g. a merge output), or an ensemble folder (fusion ensemble writes one)" };
        var dataset = new Option<FileInfo?>("--dataset") { Description = "classifier accuracy on this dataset file (fusion dataset mnist writes one)" };
        var split = new Option<string>("--split") { Description = "held-out, train or all", DefaultValueFactory = _ => "held-out" };
        var classes = new Option<string?>("--classes") { Description = "accuracy on these classes only, e.g. 0-3" };
        var compare = new Option<DirectoryInfo[]>("--compare") { Description = "tensor metrics against these models (repeatable; named by folder)", AllowMultipleArgumentsPerToken = true };
        var baseModel = new Option<DirectoryInfo?>("--base") { Description = "base model for task-vector metrics (sign agreement, task cosine)" };
        var externalCommand = new Option<string?>("--command") { Description = "shell command run with {model} replaced by the model path (without {model}, the path is appended as the last argument); its last stdout line is a JSON object of metrics" };
        var timeout = new Option<double>("--timeout") { Description = "seconds --command may run", DefaultValueFactory = _ => 600 };
        var text = new Option<FileInfo?>("--text") { Description = "language-model perplexity on this UTF-8 text file (with the model's tokenizer.json)" };
        var context = new Option<int?>("--context") { Description = "tokens per perplexity window, at most max_position_embeddings (default: max_position_embeddings, at most 2048)" };
        var device = new Option<string>("--device") { Description = "where --text runs the model: " + LanguageDevice.Description, DefaultValueFactory = _ => "cpu" };
        var task = new Option<string?>("--task") { Description = "for an emr merge output: evaluate this task's model (its mask and rescaler applied to the unified model); the task is the model as the spec names it" };
        var json = new Option<bool>("--json") { Description = "print the metrics as one JSON object" };
        var dataRoots = new DataRootsOption();

        var command = new Command("eval", "Evaluate a checkpoint: classifier accuracy, tensor metrics against other models, or an external command")
        {
            model, dataset, split, classes, compare, baseModel, externalCommand, timeout, text, context, device, task, json,
        };
        dataRoots.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(model)!.FullName;
            var evaluators = new List<IEvaluator>();
            // An emr task's model is written once to a scratch folder that every evaluator then reads, inside the
            // data roots or not.
            using var taskFolder = parse.GetValue(task) is null ? null : new ScratchFolder("fusion-emr-task-");
            var roots = LocalRoots.Anywhere;
            try
            {
                // With data roots, every folder and file read is resolved and checked before use, and the
                // checkpoints are opened through the roots (each weight, index and config file checked again).
                roots = dataRoots.Resolve(parse);
                folder = roots.Check(folder, "model folder");
                if (taskFolder is not null)
                {
                    roots = roots.Including(taskFolder.Path);
                }

                if (parse.GetValue(dataset) is { } datasetFile)
                {
                    var chosenSplit = parse.GetValue(split) switch
                    {
                        "held-out" => DatasetSplit.HeldOut,
                        "train" => DatasetSplit.Train,
                        "all" => DatasetSplit.All,
                        var other => throw new FormatException($"--split {other}: expected held-out, train or all"),
                    };
                    var classList = parse.GetValue(classes) is { } text ? ClassSelection.Parse(text) : null;
                    evaluators.Add(new AccuracyEvaluator(ImageDatasetFile.Read(roots.CheckFile(datasetFile.FullName, "dataset")), chosenSplit, classList?.ToArray(), roots));
                }

                var references = (parse.GetValue(compare) ?? []).Select(d => ReferenceModel.FromFolder(d.FullName)).ToList();
                var baseFolder = parse.GetValue(baseModel)?.FullName;
                if (references.Count > 0 || baseFolder is not null)
                {
                    if (EnsembleManifest.IsEnsemble(folder))
                    {
                        throw new ArgumentException($"{folder} is an ensemble: tensor metrics (--compare, --base) need one model");
                    }

                    evaluators.Add(new TensorMetricsEvaluator(references, baseFolder, roots));
                }

                if (parse.GetValue(text) is { } textFile)
                {
                    evaluators.Add(new PerplexityEvaluator(roots.CheckFile(textFile.FullName, "text file"), parse.GetValue(context), parse.GetValue(device)!, roots));
                }

                if (parse.GetValue(externalCommand) is { } commandLine)
                {
                    if (string.IsNullOrWhiteSpace(commandLine))
                    {
                        throw new FormatException("--command: expected a command line to run, with {model} where the model's folder goes");
                    }

                    var seconds = parse.GetValue(timeout);
                    if (!(seconds > 0) || double.IsInfinity(seconds))
                    {
                        throw new FormatException($"--timeout {seconds}: expected a positive number of seconds");
                    }

                    // The user's own command on their own machine: it gets their environment, as in their shell.
                    evaluators.Add(new ExternalCommandEvaluator(commandLine, TimeSpan.FromSeconds(seconds), inheritEnvironment: true));
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or DatasetFormatException or StorageException)
            {
                return MergeCommand.Fail(Describe(e));
            }

            if (evaluators.Count == 0)
            {
                return MergeCommand.Fail("nothing to evaluate: give --dataset, --text, --compare/--base or --command");
            }

            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            try
            {
                if (parse.GetValue(task) is { } taskName && taskFolder is not null)
                {
                    var rescaler = EmrTaskModel.Write(folder, taskName, taskFolder.Path);
                    System.Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"emr task '{taskName}': rescaler {rescaler:0.######}"));
                    folder = taskFolder.Path;
                }

                foreach (var evaluator in evaluators)
                {
                    foreach (var (name, value) in await evaluator.EvaluateAsync(folder, cancellationToken))
                    {
                        // A command may report a name another evaluator uses; neither value is dropped.
                        metrics[metrics.ContainsKey(name) ? $"{evaluator.Name}/{name}" : name] = value;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return MergeCommand.Fail("cancelled", 130);
            }
            catch (Exception e) when (e is EvaluationException or CheckpointException or LanguageModelException or StorageException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                return MergeCommand.Fail(Describe(e));
            }

            if (metrics.Count == 0)
            {
                // A command that printed {}: the table had no row to size its columns by and crashed.
                return MergeCommand.Fail("the evaluation reported no metrics");
            }

            if (metrics.Where(m => !double.IsFinite(m.Value)).Select(m => m.Key).ToList() is { Count: > 0 } notNumbers)
            {
                WarnOfNonFiniteWeights(folder, roots, notNumbers, cancellationToken);
            }

            if (parse.GetValue(json))
            {
                // NaN (an undefined cosine) has no JSON number; null says "no value".
                var document = metrics.ToDictionary(m => m.Key, m => double.IsFinite(m.Value) ? (double?)m.Value : null);
                System.Console.WriteLine(JsonSerializer.Serialize(document));
            }
            else
            {
                var width = metrics.Keys.Max(k => k.Length);
                foreach (var (name, value) in metrics)
                {
                    System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name.PadRight(width)}  {value:0.######}"));
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Metrics that are no number come from NaN or infinite weights more often than not (a diverged training, a broken
    /// merge); the user is told which tensor holds them. An undefined cosine (a zero vector) has finite weights and no
    /// warning; a folder that is no checkpoint (an ensemble) is not searched.
    /// </summary>
    private static void WarnOfNonFiniteWeights(string folder, LocalRoots roots, IReadOnlyList<string> notNumbers, CancellationToken cancellationToken)
    {
        try
        {
            using var checkpoint = CheckpointFolder.Open(folder, roots);
            if (CheckpointNonFinite.FindFirst(checkpoint, cancellationToken) is { } found)
            {
                System.Console.Error.WriteLine($"warning: {folder}: tensor '{found.Tensor}' holds {found.Count} NaN or infinite value(s); {string.Join(", ", notNumbers)} {(notNumbers.Count == 1 ? "is" : "are")} not a number");
            }
        }
        catch (Exception e) when (e is CheckpointException or StorageException or IOException or UnauthorizedAccessException)
        {
            // No checkpoint (an ensemble) or one that cannot be read: the metrics are printed as they are; the search
            // for their cause is only a courtesy.
        }
    }

    /// <summary>An exception's message for the one-line error, without .NET's "(Parameter 'x')" suffix.</summary>
    private static string Describe(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}

using System.CommandLine;
using System.Globalization;
using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion train --dataset digits.fcds --out DIR: trains a small MLP or CNN classifier with TorchSharp, from
/// scratch or fine-tuned from --base on --classes, and saves it as a checkpoint folder that fusion merge reads.
/// fusion train --arch llama --text FILE --out DIR trains a small language model instead (<see cref="LanguageTrainOptions"/>).
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<FileInfo?>("--dataset") { Description = "dataset file (fusion dataset mnist writes one); its train split is used (mlp, cnn)" };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "checkpoint folder to write (model.safetensors, config.json)", Required = true };
        var architecture = new Option<string>("--arch") { Description = "mlp or cnn (image classifiers, --dataset), or llama (a language model, --text)", DefaultValueFactory = _ => "mlp" };
        var hidden = new Option<string>("--hidden") { Description = "hidden layer widths, comma-separated, or 'none' (from scratch only); for llama the hidden size (default 64)", DefaultValueFactory = _ => "128" };
        var conv = new Option<string>("--conv") { Description = "convolution channels of a cnn, comma-separated (from scratch only)", DefaultValueFactory = _ => "8,16" };
        var baseModel = new Option<DirectoryInfo?>("--base") { Description = "fine-tune this checkpoint instead of starting from random weights" };
        var classes = new Option<string?>("--classes") { Description = "train only on these classes, e.g. 0,1,2 or 0-3" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the initial weights, the sample subset and the data order", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training samples", DefaultValueFactory = _ => 1 }.Positive();
        var batchSize = new Option<int>("--batch-size") { Description = "samples per step", DefaultValueFactory = _ => 64 }.Positive();
        var learningRate = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 1e-3 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or sgd (with --momentum)", DefaultValueFactory = _ => "adam" };
        var momentum = new Option<double>("--momentum") { Description = "momentum of sgd", DefaultValueFactory = _ => 0.9 };
        var maxSamples = new Option<int?>("--max-samples") { Description = "use at most this many training samples (drawn by the seed)" }.Positive();
        var threads = new Option<int>("--threads") { Description = "torch threads; results are byte-identical only for the same count", DefaultValueFactory = _ => 1 }.Positive();
        var overwrite = new Option<bool>("--overwrite") { Description = "write into a non-empty --out (its checkpoint's files are replaced)" };
        var language = new LanguageTrainOptions();
        var dataRoots = new DataRootsOption();

        var command = new Command("train", "Train a small image classifier (MLP or CNN) with TorchSharp and save it as a checkpoint folder")
        {
            dataset, output, architecture, hidden, conv, baseModel, classes, seed, epochs, batchSize, learningRate, optimizer, momentum, maxSamples, threads, overwrite,
        };
        language.AddTo(command);
        dataRoots.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var outputFolder = parse.GetValue(output)!.FullName;
            LocalRoots roots;
            try
            {
                // With data roots the output, the dataset or text and the base checkpoint must lie inside them.
                roots = dataRoots.Resolve(parse);
                outputFolder = roots.Check(outputFolder, "output folder");
            }
            catch (StorageException e)
            {
                return Task.FromResult(MergeCommand.Fail(e.Message));
            }

            // First: a misspelt llama was told that mlp and cnn need --dataset.
            string[] architectures = ["mlp", "cnn", "llama"];
            if (parse.GetValue(architecture) is var arch && !architectures.Contains(arch, StringComparer.Ordinal))
            {
                return Task.FromResult(MergeCommand.Fail($"--arch {arch}: expected mlp, cnn or llama{SpellingSuggestion.Hint(arch!, architectures)}"));
            }

            // An option of the other kind of model was ignored: `--arch llama --optimizer sgd` trained as if it were not given.
            Option[] otherKind = arch == "llama" ? [dataset, conv, classes, epochs, optimizer, momentum, maxSamples] : [.. language.All];
            if (otherKind.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } ignored)
            {
                return Task.FromResult(MergeCommand.Fail(arch == "llama" ? $"{ignored.Name} is for --arch mlp or cnn, not llama" : $"{ignored.Name} is for --arch llama, not {arch}"));
            }

            // Any file, not only a checkpoint: a config.json or tokenizer.json of the user's would be replaced.
            if (StagedFolderOutput.HoldsFiles(outputFolder) && !parse.GetValue(overwrite))
            {
                return Task.FromResult(MergeCommand.Fail($"{outputFolder}: is not empty (use --overwrite to write into it)"));
            }

            if (parse.GetValue(architecture) == "llama")
            {
                return Task.FromResult(language.Run(parse, outputFolder, parse.GetValue(baseModel)?.FullName, hidden, seed, batchSize, learningRate, threads, roots, cancellationToken));
            }

            if (parse.GetValue(dataset) is null)
            {
                return Task.FromResult(MergeCommand.Fail("--dataset is required for --arch mlp or cnn"));
            }

            TrainingOptions options;
            try
            {
                options = new TrainingOptions
                {
                    Architecture = parse.GetValue(architecture) switch
                    {
                        "mlp" => ClassifierArchitecture.Mlp,
                        "cnn" => ClassifierArchitecture.Cnn,
                        var other => throw new FormatException($"--arch {other}: expected mlp or cnn"),
                    },
                    HiddenSizes = ParseWidths(parse.GetValue(hidden)!, "--hidden"),
                    ConvChannels = ParseWidths(parse.GetValue(conv)!, "--conv"),
                    BaseCheckpoint = parse.GetValue(baseModel)?.FullName,
                    Classes = parse.GetValue(classes) is { } list ? ClassSelection.Parse(list) : null,
                    Seed = parse.GetValue(seed),
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    LearningRate = parse.GetValue(learningRate),
                    Optimizer = parse.GetValue(optimizer) switch
                    {
                        "adam" => TrainingOptimizer.Adam,
                        "sgd" => TrainingOptimizer.Sgd,
                        var other => throw new FormatException($"--optimizer {other}: expected adam or sgd"),
                    },
                    Momentum = parse.GetValue(momentum),
                    MaxSamples = parse.GetValue(maxSamples),
                    Threads = parse.GetValue(threads),
                };
                options.Validate();
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return Task.FromResult(MergeCommand.Fail(Describe(e)));
            }

            try
            {
                var data = ImageDatasetFile.Read(roots.CheckFile(parse.GetValue(dataset)!.FullName, "dataset"));
                var summary = ClassifierTrainer.TrainAndSave(data, options, outputFolder, cancellationToken, roots);
                var what = options.BaseCheckpoint is null ? $"{parse.GetValue(architecture)} from scratch" : $"fine-tune of {options.BaseCheckpoint}";
                var on = options.Classes is null ? "all classes" : $"classes {string.Join(",", options.Classes)}";
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained {what} on {summary.Samples} samples ({on}), {summary.Epochs} epochs, {summary.Steps} steps in {summary.Seconds:F1} s: last epoch loss {summary.FinalEpochLoss:F4}, accuracy {summary.FinalEpochAccuracy:P1} -> {outputFolder}"));
                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(MergeCommand.Fail("cancelled", 130));
            }
            catch (Exception e) when (e is DatasetFormatException or CheckpointException or TrainingDivergedException or StorageException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(MergeCommand.Fail(Describe(e)));
            }
        });
        return command;
    }

    private static IReadOnlyList<int> ParseWidths(string text, string option)
    {
        if (text.Trim() is "none" or "")
        {
            return [];
        }

        var widths = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var width) || width <= 0)
            {
                throw new FormatException($"{option} {text}: expected positive integers separated by commas, or 'none'");
            }

            widths.Add(width);
        }

        return widths;
    }

    /// <summary>An exception's message for the one-line error, without .NET's "(Parameter 'x')" suffix.</summary>
    private static string Describe(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}

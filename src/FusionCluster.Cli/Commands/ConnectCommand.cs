using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Connectivity;
using FusionCluster.Connectivity.LanguageModels;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Reporting;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Training;
using FusionCluster.Language;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion connect A B --dataset D: accuracy and loss along the path between two classifiers (linear, or a trained
/// Bézier curve), optionally after aligning B to A and with REPAIR, with the loss and accuracy barriers.
/// fusion connect A B --text T: perplexity and loss along the linear path between two language models,
/// optionally after weight or activation matching, with the loss (and perplexity) barrier.
/// </summary>
public static class ConnectCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var first = new Argument<DirectoryInfo>("a") { Description = "the first checkpoint (α = 0)" };
        var second = new Argument<DirectoryInfo>("b") { Description = "the second checkpoint (α = 1), aligned to the first when --align says so" };
        var dataset = new Option<FileInfo?>("--dataset") { Description = "classifiers: dataset file (fusion dataset mnist|fashion-mnist writes one)" };
        var text = new Option<FileInfo?>("--text") { Description = "language models: UTF-8 text the path's perplexity is measured on (fusion dataset text writes some)" };
        var context = new Option<int?>("--context") { Description = "--text: tokens per perplexity window, at most max_position_embeddings (default: max_position_embeddings, at most 2048)" }.AtLeast(2);
        var iterations = new Option<int>("--iterations") { Description = "--text with weight_matching: at most this many sweeps over the permutation groups", DefaultValueFactory = _ => 100 }.Positive();
        var device = new Option<string>("--device") { Description = "--text: cpu, cuda or auto", DefaultValueFactory = _ => "cpu" };
        var points = new Option<int>("--points") { Description = "evenly spaced α from 0 to 1", DefaultValueFactory = _ => 11 }.AtLeast(2);
        var curve = new Option<string>("--curve") { Description = "linear, or bezier (trains the bend point first)", DefaultValueFactory = _ => "linear" };
        var align = new Option<string>("--align") { Description = "none, activation_matching, weight_matching or zipit (scores the zipped model at α = 0.5); --text: none, weight_matching or activation_matching; a comma-separated list evaluates one path per method", DefaultValueFactory = _ => "none" };
        var repair = new Option<bool>("--repair") { Description = "REPAIR: reset every hidden unit's mean and std at each α to the endpoints' interpolation" };
        var zipLayers = new Option<int?>("--zip-layers") { Description = "zipit: zip the first k hidden layers, keep the rest as two heads (default: all)" }.AtLeast(0);
        var saveZipped = new Option<string?>("--save-zipped") { Description = "zipit: write the zipped model as a classifier checkpoint into this new or empty folder (partially zipped: zip_layers and two branches; fusion eval reads it)" };
        var split = new Option<string>("--split") { Description = "held-out or train: the samples the path is scored on", DefaultValueFactory = _ => "held-out" };
        var maxSamples = new Option<int?>("--max-samples") { Description = "score on at most this many samples of the split" }.Positive();
        var statisticsSamples = new Option<int>("--statistics-samples") { Description = "training samples for activation matching, ZipIt! and REPAIR statistics (--text: windows of --context tokens)", DefaultValueFactory = _ => 2000 }.Positive();
        var matchText = new Option<FileInfo?>("--match-text") { Description = "--text with activation_matching: the text activations are measured on (default: --text)" };
        var bezierEpochs = new Option<int>("--bezier-epochs") { Description = "bezier: epochs of SGD on the bend point over the training split", DefaultValueFactory = _ => 5 }.Positive();
        var bezierLearningRate = new Option<double>("--bezier-lr") { Description = "bezier: SGD learning rate (momentum 0.9)", DefaultValueFactory = _ => 0.01 }.PositiveNumber();
        var seed = new Option<ulong>("--seed") { Description = "seed of sample draws, Bézier training and weight matching", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var plot = new Option<FileInfo?>("--plot") { Description = "draw loss and accuracy against α into this PNG" };
        var publish = new Option<string?>("--publish") { Description = "publish connect.json and connect.png at this folder or az://container/prefix (the dashboard lists results one level below its Fusion:Dashboard:ConnectResults)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "--publish: replace a result already published there; --plot: replace the file" };

        var command = new Command("connect", "Evaluate the path between two models: accuracy (classifiers) or perplexity (language models) and loss per α, and the barriers")
        {
            first, second, dataset, text, context, iterations, device, points, curve, align, repair, zipLayers, saveZipped, split, maxSamples, statisticsSamples, matchText, bezierEpochs, bezierLearningRate, seed, json, plot, publish, overwrite,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if ((parse.GetValue(dataset) is null) == (parse.GetValue(text) is null))
            {
                return MergeCommand.Fail("give --dataset (classifiers) or --text (language models), one of them");
            }

            ResultPublication? publication = null;
            PlotFile? plotFile;
            IReadOnlyList<AlignmentMethod> methods;
            try
            {
                methods = ParseAlignments(parse.GetValue(align));
                plotFile = PlotFile.Open(
                    parse.GetValue(plot),
                    parse.GetValue(overwrite),
                    [parse.GetValue(first)!.FullName, parse.GetValue(second)!.FullName],
                    new[] { parse.GetValue(dataset), parse.GetValue(text), parse.GetValue(matchText) }.OfType<FileInfo>().Select(f => f.FullName));
                if (parse.GetValue(publish) is { Length: > 0 } location)
                {
                    publication = ResultPublication.Open(location, parse.GetValue(overwrite));
                    await publication.CheckAsync(cancellationToken);
                }
            }
            catch (Exception e) when (e is FormatException or StorageException)
            {
                return MergeCommand.Fail(e.Message);
            }

            if (parse.GetValue(text) is { } textFile)
            {
                if (parse.GetValue(repair) || parse.GetValue(curve) != "linear" || parse.GetValue(zipLayers) is not null || parse.GetValue(saveZipped) is not null)
                {
                    return MergeCommand.Fail("--text takes the linear path only: --repair, --curve bezier, --zip-layers and --save-zipped are for classifiers");
                }

                return await RunLanguageAsync(parse.GetValue(first)!, parse.GetValue(second)!, textFile, methods, new LanguageConnectOptions
                {
                    Points = parse.GetValue(points),
                    Context = parse.GetValue(context),
                    Iterations = parse.GetValue(iterations),
                    Seed = unchecked((int)parse.GetValue(seed)),
                    Samples = parse.GetValue(statisticsSamples),
                    MatchText = parse.GetValue(matchText)?.FullName,
                    Device = parse.GetValue(device)!,
                }, parse.GetValue(json), plotFile, publication, cancellationToken);
            }

            ConnectOptions options;
            try
            {
                options = new ConnectOptions
                {
                    Points = parse.GetValue(points),
                    Curve = parse.GetValue(curve) switch
                    {
                        "linear" => PathCurve.Linear,
                        "bezier" => PathCurve.Bezier,
                        var other => throw new FormatException($"--curve {other}: expected linear or bezier"),
                    },
                    Repair = parse.GetValue(repair),
                    ZipLayers = parse.GetValue(zipLayers),
                    SaveZippedTo = parse.GetValue(saveZipped),
                    EvaluationSplit = parse.GetValue(split) switch
                    {
                        "held-out" => DatasetSplit.HeldOut,
                        "train" => DatasetSplit.Train,
                        var other => throw new FormatException($"--split {other}: expected held-out or train"),
                    },
                    EvaluationSamples = parse.GetValue(maxSamples),
                    StatisticsSamples = parse.GetValue(statisticsSamples),
                    Bezier = new BezierTrainingOptions { Epochs = parse.GetValue(bezierEpochs), LearningRate = parse.GetValue(bezierLearningRate) },
                    Seed = parse.GetValue(seed),
                };
                options.Validate();
                if (options.SaveZippedTo is not null && !methods.Contains(AlignmentMethod.ZipIt))
                {
                    throw new FormatException("--save-zipped writes the model --align zipit makes; add zipit to --align");
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return MergeCommand.Fail(Describe(e));
            }

            try
            {
                var a = parse.GetValue(first)!;
                var b = parse.GetValue(second)!;
                var datasetFile = parse.GetValue(dataset)!.FullName;
                var data = ImageDatasetFile.Read(datasetFile);
                var reports = methods.Select(method => ConnectivityRunner.Run(a.FullName, b.FullName, data, options with { Alignment = method }, cancellationToken)).ToList();
                var title = PathPlot.Title(a.FullName, b.FullName, reports.Select(r => r.Label));
                var printed = parse.GetValue(json) ? JsonOf([.. reports.Select(r => r.ToJson())]) : null;
                if (publication is not null)
                {
                    var document = ConnectResultDocument.Build(publication.Name, ConnectResultLayout.ClassifierKind, a.FullName, b.FullName, datasetFile, [.. reports.Select(r => r.ToJson())]);
                    await publication.PublishAsync(document, PathPlot.Png(reports, title), cancellationToken);
                }

                plotFile?.Write(PathPlot.Png(reports, title));
                if (printed is not null)
                {
                    System.Console.WriteLine(printed);
                }
                else
                {
                    reports.ForEach(Print);
                }

                if (publication is not null)
                {
                    System.Console.Error.WriteLine($"published {publication.Location}");
                }

                return 0;
            }
            catch (OperationCanceledException)
            {
                return MergeCommand.Fail("cancelled", 130);
            }
            catch (Exception e) when (e is DatasetFormatException or CheckpointException or TrainingDivergedException or ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException or StorageException)
            {
                return MergeCommand.Fail(Describe(e));
            }
        });
        return command;
    }

    /// <summary>One method, or a comma-separated list of them: one path each, in the order given.</summary>
    private static IReadOnlyList<AlignmentMethod> ParseAlignments(string? names)
    {
        var methods = (names ?? "none").Split(',', StringSplitOptions.TrimEntries).Select(ParseAlignment).ToList();
        return methods.Distinct().Count() == methods.Count ? methods : throw new FormatException($"--align {names}: a method is listed twice");
    }

    /// <summary>One path prints as its object (as before lists existed), several as an array of them.</summary>
    private static string JsonOf(IReadOnlyList<JsonObject> paths) =>
        paths.Count == 1 ? paths[0].ToJsonString(Indented) : new JsonArray([.. paths]).ToJsonString(Indented);

    private static AlignmentMethod ParseAlignment(string? name) => name switch
    {
        "none" => AlignmentMethod.None,
        "activation_matching" => AlignmentMethod.ActivationMatching,
        "weight_matching" => AlignmentMethod.WeightMatching,
        "zipit" => AlignmentMethod.ZipIt,
        var other => throw new FormatException($"--align {other}: expected none, activation_matching, weight_matching or zipit"),
    };

    private static async Task<int> RunLanguageAsync(DirectoryInfo first, DirectoryInfo second, FileInfo text, IReadOnlyList<AlignmentMethod> methods, LanguageConnectOptions options, bool json, PlotFile? plot, ResultPublication? publication, CancellationToken cancellationToken)
    {
        try
        {
            var checkedOptions = methods.Select(method => options with { Alignment = method }).ToList();
            checkedOptions.ForEach(o => o.Validate());
            var reports = checkedOptions.Select(o => LanguageConnectivityRunner.Run(first.FullName, second.FullName, text.FullName, o, cancellationToken)).ToList();
            var title = PathPlot.Title(first.FullName, second.FullName, reports.Select(r => r.Label));
            var printed = json ? JsonOf([.. reports.Select(r => r.ToJson())]) : null;
            if (publication is not null)
            {
                var document = ConnectResultDocument.Build(publication.Name, ConnectResultLayout.LanguageKind, first.FullName, second.FullName, text.FullName, [.. reports.Select(r => r.ToJson())]);
                await publication.PublishAsync(document, PathPlot.Png(reports, title), cancellationToken);
                System.Console.Error.WriteLine($"published {publication.Location}");
            }

            plot?.Write(PathPlot.Png(reports, title));
            if (printed is not null)
            {
                System.Console.WriteLine(printed);
                return 0;
            }

            foreach (var report in reports)
            {
                System.Console.WriteLine($"{report.Label} (linear path, {report.Tokens} tokens)");
                System.Console.WriteLine("  alpha  perplexity      loss");
                foreach (var point in report.Points)
                {
                    System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {point.Alpha,5:F3}  {point.Perplexity,10:F4}  {point.Loss,8:F4}"));
                }

                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss_barrier {report.LossBarrier:F4} (at α {report.LossBarrierAlpha:F3}), perplexity_barrier {report.PerplexityBarrier:F4}"));
            }

            return 0;
        }
        catch (OperationCanceledException)
        {
            return MergeCommand.Fail("cancelled", 130);
        }
        catch (Exception e) when (e is FormatException or LanguageModelException or FusionCluster.Alignment.AlignmentException or CheckpointException or ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException or StorageException)
        {
            return MergeCommand.Fail(Describe(e));
        }
    }

    private static void Print(PathReport report)
    {
        System.Console.WriteLine($"{report.Label} ({report.Curve} path)");
        System.Console.WriteLine("  alpha  accuracy      loss");
        foreach (var point in report.Points)
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {point.Alpha,5:F3}  {point.Accuracy,8:F4}  {point.Loss,8:F4}"));
        }

        var barriers = report.Barriers;
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss_barrier {barriers.LossBarrier:F4} (at α {barriers.LossBarrierAlpha:F3}), accuracy_barrier {barriers.AccuracyBarrier:F4} (at α {barriers.AccuracyBarrierAlpha:F3})"));
    }

    /// <summary>An exception's message for the one-line error, without .NET's "(Parameter 'x')" suffix.</summary>
    private static string Describe(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FusionCluster.Connectivity;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Reporting;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion connect A B --dataset D: accuracy and loss along the path between two classifiers (linear, or a trained
/// Bézier curve), optionally after aligning B to A and with REPAIR, with the loss and accuracy barriers.
/// </summary>
public static class ConnectCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var first = new Argument<DirectoryInfo>("a") { Description = "the first classifier checkpoint (α = 0)" };
        var second = new Argument<DirectoryInfo>("b") { Description = "the second classifier checkpoint (α = 1), aligned to the first when --align says so" };
        var dataset = new Option<FileInfo>("--dataset") { Description = "dataset file (fusion dataset mnist|fashion-mnist writes one)", Required = true };
        var points = new Option<int>("--points") { Description = "evenly spaced α from 0 to 1", DefaultValueFactory = _ => 11 };
        var curve = new Option<string>("--curve") { Description = "linear, or bezier (trains the bend point first)", DefaultValueFactory = _ => "linear" };
        var align = new Option<string>("--align") { Description = "none, activation_matching, weight_matching or zipit (scores the zipped model at α = 0.5)", DefaultValueFactory = _ => "none" };
        var repair = new Option<bool>("--repair") { Description = "REPAIR: reset every hidden unit's mean and std at each α to the endpoints' interpolation" };
        var zipLayers = new Option<int?>("--zip-layers") { Description = "zipit: zip the first k hidden layers, keep the rest as two heads (default: all)" };
        var split = new Option<string>("--split") { Description = "held-out or train: the samples the path is scored on", DefaultValueFactory = _ => "held-out" };
        var maxSamples = new Option<int?>("--max-samples") { Description = "score on at most this many samples of the split" };
        var statisticsSamples = new Option<int>("--statistics-samples") { Description = "training samples for activation matching, ZipIt! and REPAIR statistics", DefaultValueFactory = _ => 2000 };
        var bezierEpochs = new Option<int>("--bezier-epochs") { Description = "bezier: epochs of SGD on the bend point over the training split", DefaultValueFactory = _ => 5 };
        var bezierLearningRate = new Option<double>("--bezier-lr") { Description = "bezier: SGD learning rate (momentum 0.9)", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<ulong>("--seed") { Description = "seed of sample draws, Bézier training and weight matching", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var plot = new Option<FileInfo?>("--plot") { Description = "draw loss and accuracy against α into this PNG" };

        var command = new Command("connect", "Evaluate the path between two classifiers: accuracy and loss per α, loss and accuracy barriers")
        {
            first, second, dataset, points, curve, align, repair, zipLayers, split, maxSamples, statisticsSamples, bezierEpochs, bezierLearningRate, seed, json, plot,
        };
        command.SetAction((parse, cancellationToken) =>
        {
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
                    Alignment = parse.GetValue(align) switch
                    {
                        "none" => AlignmentMethod.None,
                        "activation_matching" => AlignmentMethod.ActivationMatching,
                        "weight_matching" => AlignmentMethod.WeightMatching,
                        "zipit" => AlignmentMethod.ZipIt,
                        var other => throw new FormatException($"--align {other}: expected none, activation_matching, weight_matching or zipit"),
                    },
                    Repair = parse.GetValue(repair),
                    ZipLayers = parse.GetValue(zipLayers),
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
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return Task.FromResult(MergeCommand.Fail(Describe(e)));
            }

            try
            {
                var data = ImageDatasetFile.Read(parse.GetValue(dataset)!.FullName);
                var report = ConnectivityRunner.Run(parse.GetValue(first)!.FullName, parse.GetValue(second)!.FullName, data, options, cancellationToken);
                if (parse.GetValue(plot) is { } plotFile)
                {
                    PathPlot.Save(plotFile.FullName, [report], $"{parse.GetValue(first)!.Name} → {parse.GetValue(second)!.Name} ({report.Label})");
                }

                if (parse.GetValue(json))
                {
                    System.Console.WriteLine(report.ToJson().ToJsonString(Indented));
                }
                else
                {
                    Print(report);
                }

                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(MergeCommand.Fail("cancelled", 130));
            }
            catch (Exception e) when (e is DatasetFormatException or CheckpointException or ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(MergeCommand.Fail(Describe(e)));
            }
        });
        return command;
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

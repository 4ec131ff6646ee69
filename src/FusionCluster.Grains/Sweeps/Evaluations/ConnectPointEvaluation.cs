using System.Text;
using System.Text.Json;
using FusionCluster.Connectivity;
using FusionCluster.Connectivity.LanguageModels;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Reporting;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>
/// One point of a connect sweep: runs what <c>fusion connect</c> runs with the point's options (<see cref="ConnectivityRunner"/>
/// for classifiers, <see cref="LanguageConnectivityRunner"/> for language models), publishes its connect.json and the
/// connect.png <c>fusion connect --publish</c> draws (<see cref="PathPlot"/>) where the request says, and reports the
/// path's barriers and midpoint as the point's metrics.
/// </summary>
public static class ConnectPointEvaluation
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="request">An evaluation request with <see cref="EvaluationRequest.Connect"/> set; its model folder is where the result is published.</param>
    /// <param name="readDataset">Reads (or reuses) a dataset file.</param>
    /// <param name="device">The device language models run on.</param>
    public static async Task<IReadOnlyDictionary<string, double>> RunAsync(
        EvaluationRequest request, Func<string, ImageDataset> readDataset, ArtifactStores stores, string device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(readDataset);
        ArgumentNullException.ThrowIfNull(stores);
        var connect = request.Connect ?? throw new ArgumentException("the request is not a connect point", nameof(request));
        var alignment = Alignment(connect.Align);
        Dictionary<string, double> metrics;
        string kind;
        string data;
        System.Text.Json.Nodes.JsonObject path;
        byte[] plot;
        if (connect.Dataset is { } dataset)
        {
            var report = ConnectivityRunner.Run(connect.A, connect.B, readDataset(dataset), Options(connect) with { Alignment = alignment, Roots = stores.Roots }, cancellationToken);
            (kind, data, path) = (ConnectResultLayout.ClassifierKind, dataset, report.ToJson());
            plot = PathPlot.Png([report], PathPlot.Title(connect.A, connect.B, [report.Label]));
            metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss_barrier"] = report.Barriers.LossBarrier,
                ["accuracy_barrier"] = report.Barriers.AccuracyBarrier,
                ["midpoint_accuracy"] = report.Midpoint.Accuracy,
                ["midpoint_loss"] = report.Midpoint.Loss,
            };
        }
        else
        {
            var text = connect.Text ?? throw new ArgumentException("a connect point needs a dataset or a text", nameof(request));
            var options = new LanguageConnectOptions
            {
                Points = connect.Points,
                Alignment = alignment,
                Context = connect.Context,
                Iterations = connect.Iterations,
                Seed = unchecked((int)connect.Seed),
                Samples = connect.StatisticsSamples,
                MatchText = connect.MatchText,
                Device = device,
                Roots = stores.Roots,
            };
            options.Validate();
            var report = LanguageConnectivityRunner.Run(connect.A, connect.B, text, options, cancellationToken);
            (kind, data, path) = (ConnectResultLayout.LanguageKind, text, report.ToJson());
            plot = PathPlot.Png([report], PathPlot.Title(connect.A, connect.B, [report.Label]));
            metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss_barrier"] = report.LossBarrier,
                ["perplexity_barrier"] = report.PerplexityBarrier,
                ["midpoint_perplexity"] = report.Midpoint.Perplexity,
                ["midpoint_loss"] = report.Midpoint.Loss,
            };
        }

        var document = ConnectResultDocument.Build(connect.Name, kind, connect.A, connect.B, data, [path]);

        // A retry of the point (its silo left mid-way) replaces what the first attempt may have published.
        await stores.PublishFilesAsync(
            request.ModelFolder,
            [
                new PublishedContent(ConnectResultLayout.DocumentFileName, Encoding.UTF8.GetBytes(document.ToJsonString(Indented))),
                new PublishedContent(ConnectResultLayout.PlotFileName, plot),
            ],
            overwrite: true,
            cancellationToken);
        return metrics;
    }

    /// <summary>The classifier options <c>fusion connect</c> builds from the same choices (its other options at their defaults).</summary>
    public static ConnectOptions Options(ConnectEvaluationRequest connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        var options = new ConnectOptions
        {
            Points = connect.Points,
            Curve = connect.Curve == "bezier" ? PathCurve.Bezier : PathCurve.Linear,
            Alignment = Alignment(connect.Align),
            Repair = connect.Repair,
            ZipLayers = connect.ZipLayers,
            Bezier = new BezierTrainingOptions { Epochs = connect.BezierEpochs, LearningRate = connect.BezierLearningRate },
            EvaluationSplit = connect.Split == "train" ? DatasetSplit.Train : DatasetSplit.HeldOut,
            EvaluationSamples = connect.MaxSamples,
            StatisticsSamples = connect.StatisticsSamples,
            Seed = connect.Seed,
        };
        options.Validate();
        return options;
    }

    private static AlignmentMethod Alignment(string name)
    {
        foreach (var method in Enum.GetValues<AlignmentMethod>())
        {
            if (ConnectivityRunner.AlignmentName(method) == name)
            {
                return method;
            }
        }

        throw new FormatException($"align '{name}': expected {string.Join(", ", Enum.GetValues<AlignmentMethod>().Select(ConnectivityRunner.AlignmentName))}");
    }
}

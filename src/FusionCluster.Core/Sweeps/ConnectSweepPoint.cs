using System.Globalization;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// The <c>fusion connect</c> one point of a <c>kind: connect</c> sweep runs: the path between <see cref="A"/> and
/// <see cref="B"/> on a dataset (classifiers) or a text (language models). Paths are absolute.
/// </summary>
public sealed record ConnectSweepPoint
{
    public required string A { get; init; }

    public required string B { get; init; }

    /// <summary>Classifiers: the dataset file; null for language models.</summary>
    public string? Dataset { get; init; }

    /// <summary>Language models: the text file; null for classifiers.</summary>
    public string? Text { get; init; }

    /// <summary>none, weight_matching, activation_matching or zipit (classifiers only).</summary>
    public string Align { get; init; } = "none";

    public bool Repair { get; init; }

    public int Points { get; init; } = 11;

    /// <summary>linear or bezier (classifiers only).</summary>
    public string Curve { get; init; } = "linear";

    /// <summary>Classifiers: held-out or train.</summary>
    public string Split { get; init; } = "held-out";

    public int? MaxSamples { get; init; }

    public int StatisticsSamples { get; init; } = 2000;

    public ulong Seed { get; init; }

    /// <summary>Language models: tokens per perplexity window; null for the model's own.</summary>
    public int? Context { get; init; }

    /// <summary>Language models with weight matching: most sweeps over the permutation groups.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Classifiers with align zipit: the hidden layers zipped (fusion connect --zip-layers); null zips all.</summary>
    public int? ZipLayers { get; init; }

    /// <summary>Classifiers on the bezier curve: epochs of training the bend point (fusion connect --bezier-epochs).</summary>
    public int BezierEpochs { get; init; } = 5;

    /// <summary>Classifiers on the bezier curve: the bend point's SGD learning rate (fusion connect --bezier-lr).</summary>
    public double BezierLearningRate { get; init; } = 0.01;

    /// <summary>Language models with activation matching: the text activations are measured on; null for <see cref="Text"/>.</summary>
    public string? MatchText { get; init; }

    /// <summary>Every field in a fixed order: equal texts are the same evaluation.</summary>
    public string Canonical => string.Join(
        "\n",
        $"a={A}",
        $"b={B}",
        $"dataset={Dataset}",
        $"text={Text}",
        $"align={Align}",
        $"repair={Repair}",
        string.Create(CultureInfo.InvariantCulture, $"points={Points}"),
        $"curve={Curve}",
        $"split={Split}",
        string.Create(CultureInfo.InvariantCulture, $"max_samples={MaxSamples}"),
        string.Create(CultureInfo.InvariantCulture, $"statistics_samples={StatisticsSamples}"),
        string.Create(CultureInfo.InvariantCulture, $"seed={Seed}"),
        string.Create(CultureInfo.InvariantCulture, $"context={Context}"),
        string.Create(CultureInfo.InvariantCulture, $"iterations={Iterations}"),
        string.Create(CultureInfo.InvariantCulture, $"zip_layers={ZipLayers}"),
        string.Create(CultureInfo.InvariantCulture, $"bezier_epochs={BezierEpochs}"),
        string.Create(CultureInfo.InvariantCulture, $"bezier_lr={BezierLearningRate:R}"),
        $"match_text={MatchText}");
}

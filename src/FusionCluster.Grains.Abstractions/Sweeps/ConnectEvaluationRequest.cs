namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>
/// One point of a connect sweep: the path between two models that <c>fusion connect</c> with these options evaluates,
/// published as a connect result at <see cref="EvaluationRequest.ModelFolder"/>. Paths are absolute.
/// </summary>
[GenerateSerializer, Immutable, Alias("fc.ConnectEvaluationRequest")]
public sealed record ConnectEvaluationRequest
{
    [Id(0)] public required string A { get; init; }

    [Id(1)] public required string B { get; init; }

    /// <summary>Classifiers: the dataset file.</summary>
    [Id(2)] public string? Dataset { get; init; }

    /// <summary>Language models: the text file.</summary>
    [Id(3)] public string? Text { get; init; }

    [Id(4)] public string Align { get; init; } = "none";

    [Id(5)] public bool Repair { get; init; }

    [Id(6)] public int Points { get; init; } = 11;

    [Id(7)] public string Curve { get; init; } = "linear";

    [Id(8)] public string Split { get; init; } = "held-out";

    [Id(9)] public int? MaxSamples { get; init; }

    [Id(10)] public int StatisticsSamples { get; init; } = 2000;

    [Id(11)] public ulong Seed { get; init; }

    [Id(12)] public int? Context { get; init; }

    [Id(13)] public int Iterations { get; init; } = 100;

    /// <summary>The result's name (the dashboard shows it): the published folder's last segment.</summary>
    [Id(14)] public string Name { get; init; } = "";

    /// <summary>Classifiers with zipit: the hidden layers zipped; null zips all.</summary>
    [Id(15)] public int? ZipLayers { get; init; }

    [Id(16)] public int BezierEpochs { get; init; } = 5;

    [Id(17)] public double BezierLearningRate { get; init; } = 0.01;

    /// <summary>Language models with activation matching: the text activations are measured on; null for the text.</summary>
    [Id(18)] public string? MatchText { get; init; }
}

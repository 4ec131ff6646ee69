namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>What to measure on one merged model (a folder every silo can read), or one connect point; paths are absolute.</summary>
[GenerateSerializer, Immutable, Alias("fc.EvaluationRequest")]
public sealed record EvaluationRequest
{
    [Id(0)] public required string ModelFolder { get; init; }

    /// <summary>Classifier accuracy on this dataset file, when set.</summary>
    [Id(1)] public string? Dataset { get; init; }

    /// <summary>held-out, train or all.</summary>
    [Id(2)] public string Split { get; init; } = "held-out";

    [Id(3)] public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>Tensor metrics against these models (name, folder).</summary>
    [Id(4)] public IReadOnlyList<string> CompareNames { get; init; } = [];

    [Id(5)] public IReadOnlyList<string> CompareFolders { get; init; } = [];

    [Id(6)] public string? BaseFolder { get; init; }

    /// <summary>An external command ({model} is replaced by the model folder), when set.</summary>
    [Id(7)] public string? Command { get; init; }

    [Id(8)] public double CommandTimeoutSeconds { get; init; } = 600;

    [Id(9)] public string? WorkingDirectory { get; init; }

    /// <summary>The silo's environment variables the command gets by name (besides PATH, HOME and FUSION_MODEL).</summary>
    [Id(10)] public IReadOnlyList<string> CommandVariables { get; init; } = [];

    /// <summary>A language model's perplexity on this text file, when set.</summary>
    [Id(11)] public string? PerplexityText { get; init; }

    /// <summary>Tokens per perplexity window; null for the model's own maximum (at most 2,048).</summary>
    [Id(12)] public int? PerplexityContext { get; init; }

    /// <summary>Where this silo keeps evaluation results by content (one file each) when the cluster has no shared cache; null for none.</summary>
    [Id(13)] public string? CacheFolder { get; init; }

    /// <summary>
    /// A connect sweep's point: the path between two models is evaluated and published at <see cref="ModelFolder"/>
    /// instead of measuring a model there; the other evaluators are not set. Null for a merge.
    /// </summary>
    [Id(14)] public ConnectEvaluationRequest? Connect { get; init; }

    /// <summary>The sweep run it is for (<c>sweep/run/start</c>), by which <see cref="ISweepEvaluatorGrain.CancelRun"/> stops it; empty for none.</summary>
    [Id(15)] public string RunTag { get; init; } = "";
}

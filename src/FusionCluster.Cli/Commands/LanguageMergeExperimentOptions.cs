using FusionCluster.Language.Corpora;

namespace FusionCluster.Cli.Commands;

/// <summary>The sizes of <see cref="LanguageMergeExperiment"/>: corpus, model, schedules.</summary>
public sealed record LanguageMergeExperimentOptions
{
    public required string Work { get; init; }

    public string FortunesFolder { get; init; } = TextCorpusOptions.DebianFortunesFolder;

    public string PythonDocsFolder { get; init; } = TextCorpusOptions.DebianPythonDocsFolder;

    /// <summary>Text per domain, train and validation together.</summary>
    public long CorpusBytes { get; init; } = 300_000;

    public int Layers { get; init; } = 2;

    public int Hidden { get; init; } = 64;

    public int Heads { get; init; } = 4;

    public int KvHeads { get; init; } = 2;

    public int Ffn { get; init; } = 172;

    /// <summary>Tokens per training window and per perplexity window.</summary>
    public int Context { get; init; } = 64;

    public int BaseSteps { get; init; } = 400;

    public int FineTuneSteps { get; init; } = 150;

    public int BatchSize { get; init; } = 16;

    public double LearningRate { get; init; } = 3e-3;

    public double FineTuneLearningRate { get; init; } = 1e-3;

    /// <summary>adamerging's Adam steps: the paper's and the method's default, 100.</summary>
    public int AdaMergingSteps { get; init; } = 100;

    public ulong Seed { get; init; } = 1;

    public int Threads { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Merge methods, each merging the two fine-tunes (with the base where the method uses one).</summary>
    public IReadOnlyList<string> Methods { get; init; } = LanguageMergeExperiment.AllMethods;
}

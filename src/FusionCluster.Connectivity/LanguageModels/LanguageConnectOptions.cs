using FusionCluster.Core.Storage;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>What <see cref="LanguageConnectivityRunner"/> evaluates between two language models, and how.</summary>
public sealed record LanguageConnectOptions
{
    /// <summary>Evenly spaced α from 0 to 1, both included.</summary>
    public int Points { get; init; } = 11;

    /// <summary>Where the two models' files (weights, config, tokenizer) may lie: a silo's data roots, so a file linked out of a model folder is refused.</summary>
    public LocalRoots Roots { get; init; } = LocalRoots.Anywhere;

    /// <summary>None, or weight or activation matching of the second model to the first before the path is taken.</summary>
    public AlignmentMethod Alignment { get; init; } = AlignmentMethod.None;

    /// <summary>Tokens per perplexity window; null for the config's max_position_embeddings capped at 2048.</summary>
    public int? Context { get; init; }

    /// <summary>Weight matching: at most this many sweeps over the permutation groups.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Weight matching: seeds the order the groups are visited in; activation matching: the draw of windows.</summary>
    public int Seed { get; init; }

    /// <summary>Activation matching: how many windows of the context (drawn by <see cref="Seed"/>) the activations are measured on.</summary>
    public int Samples { get; init; } = 2000;

    /// <summary>Activation matching: the text the activations are measured on; null for the text the path is scored on.</summary>
    public string? MatchText { get; init; }

    /// <summary>cpu, cuda or auto.</summary>
    public string Device { get; init; } = "cpu";

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Points, 2, nameof(Points));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Iterations, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Samples, nameof(Samples));
        if (Context is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Context), Context, "a window needs at least 2 tokens");
        }

        if (Alignment is not (AlignmentMethod.None or AlignmentMethod.WeightMatching or AlignmentMethod.ActivationMatching))
        {
            throw new NotSupportedException($"--align {ConnectivityRunner.AlignmentName(Alignment)} is for classifiers; language models take none, weight_matching or activation_matching");
        }
    }
}

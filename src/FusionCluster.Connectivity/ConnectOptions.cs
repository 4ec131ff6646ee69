using FusionCluster.Connectivity.Paths;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Connectivity;

/// <summary>What <see cref="ConnectivityRunner"/> evaluates between two classifiers, and on which data.</summary>
public sealed record ConnectOptions
{
    /// <summary>Evenly spaced α from 0 to 1, both included.</summary>
    public int Points { get; init; } = 11;

    /// <summary>Where the two models' files may lie: a silo's data roots, so a file linked out of a model folder is refused.</summary>
    public LocalRoots Roots { get; init; } = LocalRoots.Anywhere;

    public PathCurve Curve { get; init; } = PathCurve.Linear;

    /// <summary>How the second model's units are matched to the first's before the path is taken.</summary>
    public AlignmentMethod Alignment { get; init; } = AlignmentMethod.None;

    /// <summary>Reset every hidden unit's statistics at each α (REPAIR).</summary>
    public bool Repair { get; init; }

    /// <summary>The split the path is scored on.</summary>
    public DatasetSplit EvaluationSplit { get; init; } = DatasetSplit.HeldOut;

    /// <summary>Score on at most this many samples of the split (drawn by <see cref="Seed"/>); all when null.</summary>
    public int? EvaluationSamples { get; init; }

    /// <summary>Training-split samples on which activations are correlated and REPAIR measures statistics.</summary>
    public int StatisticsSamples { get; init; } = 2000;

    /// <summary>Training of the Bézier bend point (its training data is the whole training split).</summary>
    public BezierTrainingOptions Bezier { get; init; } = new();

    /// <summary>ZipIt!: how many hidden layers are zipped; the layers after them stay separate heads. Null zips all.</summary>
    public int? ZipLayers { get; init; }

    /// <summary>
    /// ZipIt!: a folder to write the zipped model into as a classifier checkpoint (partially zipped: <c>zip_layers</c>
    /// and two branches), which <c>fusion eval</c> reads; it must not exist or be empty. Null writes nothing.
    /// </summary>
    public string? SaveZippedTo { get; init; }

    /// <summary>Seeds sample draws, Bézier training and weight matching's layer order.</summary>
    public ulong Seed { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Points, 2, nameof(Points));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StatisticsSamples, nameof(StatisticsSamples));
        if (EvaluationSamples is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EvaluationSamples), EvaluationSamples, "must be positive");
        }

        if (ZipLayers is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ZipLayers), ZipLayers, "must be zero or positive");
        }

        Bezier.Validate();
    }
}

using FusionCluster.Evaluation.Models;

namespace FusionCluster.Evaluation.Training;

/// <summary>What <see cref="ClassifierTrainer"/> trains, on which samples, and how.</summary>
public sealed record TrainingOptions
{
    /// <summary>Architecture of a model trained from scratch; ignored when fine-tuning (the base's config wins).</summary>
    public ClassifierArchitecture Architecture { get; init; } = ClassifierArchitecture.Mlp;

    /// <summary>Hidden layer widths of a model trained from scratch.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [128];

    /// <summary>Convolution channels of a CNN trained from scratch.</summary>
    public IReadOnlyList<int> ConvChannels { get; init; } = [8, 16];

    /// <summary>Seeds the initial weights (from scratch), the sample subset and every epoch's order.</summary>
    public ulong Seed { get; init; } = 1;

    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 1e-3;

    public TrainingOptimizer Optimizer { get; init; } = TrainingOptimizer.Adam;

    /// <summary>Momentum of <see cref="TrainingOptimizer.Sgd"/>.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>A checkpoint folder to fine-tune instead of starting from random weights.</summary>
    public string? BaseCheckpoint { get; init; }

    /// <summary>Train only on samples of these classes (the model keeps all its outputs).</summary>
    public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>Use at most this many training samples, drawn by the seed.</summary>
    public int? MaxSamples { get; init; }

    /// <summary>
    /// Torch's intra-op threads while training. One by default: float sums in a different order give
    /// different bits, and byte-identical checkpoints for a seed are worth more here than speed.
    /// </summary>
    public int Threads { get; init; } = 1;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Threads, nameof(Threads));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be a positive number");
        }

        if (MaxSamples is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSamples), MaxSamples, "must be positive");
        }

        if (HiddenSizes.Any(h => h <= 0) || ConvChannels.Any(c => c <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(HiddenSizes), "layer widths must be positive");
        }
    }
}

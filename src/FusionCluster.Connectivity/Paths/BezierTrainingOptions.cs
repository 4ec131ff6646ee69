namespace FusionCluster.Connectivity.Paths;

/// <summary>How the bend point of a Bézier curve is trained: SGD with momentum, one t ~ U(0, 1) per step.</summary>
public sealed record BezierTrainingOptions
{
    public int Epochs { get; init; } = 5;

    public int BatchSize { get; init; } = 128;

    public double LearningRate { get; init; } = 0.01;

    public double Momentum { get; init; } = 0.9;

    /// <summary>Seeds the data order and the t drawn at each step.</summary>
    public ulong Seed { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be a positive number");
        }

        if (!(Momentum >= 0 && Momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "momentum must be in [0, 1)");
        }
    }
}

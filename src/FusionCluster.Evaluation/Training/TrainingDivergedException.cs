namespace FusionCluster.Evaluation.Training;

/// <summary>
/// A training's loss or weights left the finite numbers (a learning rate too high, most often): nothing trained is
/// written, and the message says where it diverged and what to change.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException()
    {
    }

    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

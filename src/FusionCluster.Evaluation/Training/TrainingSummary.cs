namespace FusionCluster.Evaluation.Training;

/// <summary>What a training run did.</summary>
/// <param name="Samples">Training samples used per epoch.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="FinalEpochLoss">Mean cross-entropy over the last epoch's batches.</param>
/// <param name="FinalEpochAccuracy">Accuracy on the batches of the last epoch, as they were seen (before each step).</param>
/// <param name="Seconds">Wall time of the training loop.</param>
public sealed record TrainingSummary(int Samples, int Epochs, int Steps, double FinalEpochLoss, double FinalEpochAccuracy, double Seconds);

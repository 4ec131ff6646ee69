namespace FusionCluster.Language.Training;

/// <summary>What a training run did: tokens in the text, steps, mean loss of the last 10% of steps, seconds.</summary>
public sealed record LanguageTrainingSummary(int TextTokens, int Steps, double FinalLoss, double Seconds, int Parameters);

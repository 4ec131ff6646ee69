namespace FusionCluster.Evaluation.Evaluators;

/// <summary>Measures one checkpoint folder (typically a merge output) and returns named metrics.</summary>
public interface IEvaluator
{
    /// <summary>A short name for reports, e.g. "accuracy".</summary>
    string Name { get; }

    /// <summary>Metrics in a stable order; names use '/' to qualify, e.g. "accuracy/class_3" or "cosine/ft-1".</summary>
    Task<IReadOnlyDictionary<string, double>> EvaluateAsync(string checkpointFolder, CancellationToken cancellationToken = default);
}

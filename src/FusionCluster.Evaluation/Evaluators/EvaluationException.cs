namespace FusionCluster.Evaluation.Evaluators;

/// <summary>An evaluation that could not produce metrics; the message says which model, file or command and why.</summary>
public sealed class EvaluationException : Exception
{
    public EvaluationException(string message)
        : base(message)
    {
    }

    public EvaluationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

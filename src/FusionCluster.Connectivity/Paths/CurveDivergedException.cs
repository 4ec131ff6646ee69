namespace FusionCluster.Connectivity.Paths;

/// <summary>A curve's training left the finite numbers: there is no curve to evaluate, and the message says where and what to change.</summary>
public sealed class CurveDivergedException : Exception
{
    public CurveDivergedException()
    {
    }

    public CurveDivergedException(string message)
        : base(message)
    {
    }

    public CurveDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

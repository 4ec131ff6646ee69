namespace FusionCluster.TestSupport;

/// <summary>A child process ended while a test was still waiting for something from it.</summary>
public sealed class ChildProcessExitedException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

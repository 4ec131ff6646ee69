namespace FusionCluster.Core.Sweeps;

/// <summary>An external command run with the merged model's path; its last stdout line is a JSON object of metrics.</summary>
public sealed record CommandEvaluatorSpec(string Run, double TimeoutSeconds, string WorkingDirectory)
{
    /// <summary>
    /// Names of the silo's environment variables the command gets (<c>variables:</c>), besides PATH, HOME and
    /// FUSION_MODEL; nothing else of the silo's environment reaches it.
    /// </summary>
    public IReadOnlyList<string> Variables { get; init; } = [];
}

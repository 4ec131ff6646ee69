namespace FusionCluster.Core.Sweeps;

/// <summary>An external command run with the merged model's path; its last stdout line is a JSON object of metrics.</summary>
public sealed record CommandEvaluatorSpec(string Run, double TimeoutSeconds, string WorkingDirectory);

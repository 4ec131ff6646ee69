namespace FusionCluster.Language.Models;

/// <summary>
/// config.json's <c>rope_scaling</c>: <c>linear</c> (positions divided by <see cref="Factor"/>) or
/// <c>llama3</c> (low frequencies divided by the factor, high ones kept, a smooth blend between).
/// </summary>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor = 1, double HighFreqFactor = 4, int OriginalMaxPositionEmbeddings = 8192)
{
    public const string Linear = "linear";
    public const string Llama3 = "llama3";
}

namespace FusionCluster.Core.Methods;

/// <summary>The global parameter of data-aware methods that says how many samples of each model's dataset its statistics read.</summary>
public static class StatisticsSamples
{
    /// <summary>Named like <c>align: samples:</c>.</summary>
    public const string Parameter = "samples";

    /// <summary>FusionBench's default for RegMean and Fisher merging.</summary>
    public const int Default = 256;
}

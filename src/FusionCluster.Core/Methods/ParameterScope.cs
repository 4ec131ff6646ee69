namespace FusionCluster.Core.Methods;

public enum ParameterScope
{
    /// <summary>One value per tensor (e.g. slerp's t, ties' normalize).</summary>
    Global,
    /// <summary>One value per model per tensor (e.g. weight, density).</summary>
    PerModel,
}

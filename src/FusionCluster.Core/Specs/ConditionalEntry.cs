namespace FusionCluster.Core.Specs;

/// <param name="Filter">Substring of the tensor name, or null / "*" for a catch-all.</param>
/// <param name="Value">A scalar or a gradient.</param>
public sealed record ConditionalEntry(string? Filter, ParameterSetting Value);

namespace FusionCluster.TestSupport;

/// <summary>One non-base input for <see cref="MethodRunner.Run"/>: its values and per-model parameters.</summary>
public sealed record TestModel(float[] Values, Dictionary<string, double>? Parameters = null);

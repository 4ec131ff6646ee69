namespace FusionCluster.TestSupport;

/// <summary>One non-base input for <see cref="MethodRunner.Run"/>: its values and per-model parameters, and for data-aware methods its statistics (a Gram matrix [in, in], a Fisher).</summary>
public sealed record TestModel(float[] Values, Dictionary<string, double>? Parameters = null, float[]? Statistics = null, long[]? StatisticsShape = null);

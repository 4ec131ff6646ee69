namespace FusionCluster.Methods.Torch.Tests;

/// <summary>One non-base input for <see cref="BackendHarness.Run"/>.</summary>
internal sealed record TestModel(float[] Values, Dictionary<string, double>? Parameters = null);

namespace FusionCluster.Core.Specs;

/// <summary>A model contributing to a slice. LayerRange is [start, end), or null for "every layer of the model".</summary>
public sealed record SliceSource(string Model, LayerRange? LayerRange, IReadOnlyDictionary<string, ParameterSetting> Parameters);

namespace FusionCluster.Core.Specs;

/// <summary>One output slice. A spec written with models: becomes a single slice whose sources have no layer range.</summary>
public sealed record SliceSpec(IReadOnlyList<SliceSource> Sources, string? BaseModel, IReadOnlyDictionary<string, ParameterSetting> Parameters);

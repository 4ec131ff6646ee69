namespace FusionCluster.Core.Synthesis;

/// <summary>A spec to start from: its file name without .yaml, what it does, and its YAML.</summary>
public sealed record ExampleSpec(string Name, string Description, string Yaml);

namespace FusionCluster.Dashboard.Specs;

/// <summary>A spec to start from on the New merge page.</summary>
public sealed record ExampleSpec(string Name, string Description, string Yaml);

namespace FusionCluster.Core.Methods;

/// <summary>A parameter a method accepts. A required per-model parameter is not required of the base model.</summary>
public sealed record ParameterDefinition(string Name, ParameterScope Scope, double? Default, bool Required = false)
{
    public static ParameterDefinition Global(string name, double defaultValue) => new(name, ParameterScope.Global, defaultValue);

    public static ParameterDefinition RequiredGlobal(string name) => new(name, ParameterScope.Global, null, Required: true);

    public static ParameterDefinition PerModel(string name, double defaultValue) => new(name, ParameterScope.PerModel, defaultValue);

    public static ParameterDefinition RequiredPerModel(string name) => new(name, ParameterScope.PerModel, null, Required: true);
}

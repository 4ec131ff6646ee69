using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>One value a sweep point puts at one spec path.</summary>
public sealed record ParameterAssignment(SpecPath Path, YamlNode Value)
{
    /// <summary>The value as YAML flow text: 0.5, true, ties, [0.1, 0.9].</summary>
    public string ValueText => SweepYaml.Flow(Value);

    public override string ToString() => $"{Path.Text}={ValueText}";
}

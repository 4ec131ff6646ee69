namespace FusionCluster.Core.Specs;

public sealed record ScalarSetting(double Value) : ParameterSetting
{
    public override double? Evaluate(string tensorName, double t) => Value;
}

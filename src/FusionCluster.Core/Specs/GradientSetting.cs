namespace FusionCluster.Core.Specs;

/// <summary>mergekit's gradient: s = t(n-1), i0 = floor(s), i1 = min(n-1, i0+1), value = lerp(v[i0], v[i1], s - i0).</summary>
public sealed record GradientSetting(IReadOnlyList<double> Points) : ParameterSetting
{
    public override double? Evaluate(string tensorName, double t)
    {
        if (Points.Count == 1)
        {
            return Points[0];
        }

        var s = t * (Points.Count - 1);
        var i0 = (int)Math.Floor(s);
        var i1 = Math.Min(Points.Count - 1, i0 + 1);
        var f = s - i0;
        return (1 - f) * Points[i0] + f * Points[i1];
    }

    public bool Equals(GradientSetting? other) => other is not null && Points.SequenceEqual(other.Points);

    public override int GetHashCode() => Points.Aggregate(17, (h, p) => h * 31 + p.GetHashCode());
}

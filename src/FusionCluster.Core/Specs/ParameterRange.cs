using System.Globalization;

namespace FusionCluster.Core.Specs;

/// <summary>The values a merge parameter may take; a gradient or conditional is checked point by point (a gradient interpolates between its points, so they bound it).</summary>
public sealed record ParameterRange(double Min, bool MinInclusive, double Max, bool MaxInclusive, string Why)
{
    public bool Contains(double value) =>
        (MinInclusive ? value >= Min : value > Min) && (MaxInclusive ? value <= Max : value < Max);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{(MinInclusive ? "[" : "(")}{Min}, {(double.IsPositiveInfinity(Max) ? "∞" : Max)}{(MaxInclusive ? "]" : ")")}");
}

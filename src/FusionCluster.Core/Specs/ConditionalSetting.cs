namespace FusionCluster.Core.Specs;

/// <summary>A list of {filter, value} entries; the first entry whose filter matches the tensor name wins.</summary>
public sealed record ConditionalSetting(IReadOnlyList<ConditionalEntry> Entries) : ParameterSetting
{
    public override double? Evaluate(string tensorName, double t)
    {
        foreach (var entry in Entries)
        {
            if (entry.Filter is null || entry.Filter == "*" || tensorName.Contains(entry.Filter, StringComparison.Ordinal))
            {
                return entry.Value.Evaluate(tensorName, t);
            }
        }

        return null;
    }

    public bool Equals(ConditionalSetting? other) => other is not null && Entries.SequenceEqual(other.Entries);

    public override int GetHashCode() => Entries.Aggregate(17, (h, e) => h * 31 + e.GetHashCode());
}

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>Finished units, bytes and seconds per silo name, for the job's status.</summary>
public sealed class SiloTallies
{
    private readonly Dictionary<string, SiloTally> bySilo = new(StringComparer.Ordinal);

    public IEnumerable<string> Silos => bySilo.Keys;

    public SiloTally? Of(string silo) => bySilo.GetValueOrDefault(silo);

    public void Add(string silo, long bytes, double seconds)
    {
        var tally = bySilo.TryGetValue(silo, out var found) ? found : bySilo[silo] = new SiloTally();
        tally.UnitsDone++;
        tally.Bytes += bytes;
        tally.Seconds += seconds;
    }
}

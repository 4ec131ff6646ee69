using System.Diagnostics.Metrics;
using FusionCluster.Grains;

namespace FusionCluster.Silo.Metrics;

/// <summary>
/// What this silo offers, as gauges of the "FusionCluster" meter: its unit slots and memory for units.
/// They exist from the start, so a scrape shows the silo's capacity before any unit has run.
/// </summary>
public sealed class SiloProfileMetrics : IDisposable
{
    private readonly Meter meter = new(FusionMetrics.MeterName);

    public SiloProfileMetrics(SiloSettings settings)
    {
        var tags = new KeyValuePair<string, object?>[] { new("role", settings.Role), new("device", settings.Device) };
        meter.CreateObservableGauge("fusion.silo.unit_slots", () => new Measurement<int>(settings.UnitSlots, tags), unit: "{slot}", description: "Work units this silo runs at once");
        meter.CreateObservableGauge("fusion.silo.memory", () => new Measurement<long>(settings.MemoryBytes, tags), unit: "By", description: "Memory this silo gives work units");
    }

    public void Dispose() => meter.Dispose();
}

using System.Diagnostics.Metrics;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains;

/// <summary>
/// FusionCluster's own instruments (meter "FusionCluster"), exported with Orleans' meters where the host
/// enables metrics: work units finished by outcome, input bytes merged (at completion and as they are read), units running and waiting for a slot.
/// </summary>
public static class FusionMetrics
{
    public const string MeterName = "FusionCluster";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> UnitsFinished = Meter.CreateCounter<long>(
        "fusion.units.finished", unit: "{unit}", description: "Work units this silo finished, by outcome (succeeded, failed, returned)");

    private static readonly Counter<long> InputBytes = Meter.CreateCounter<long>(
        "fusion.units.input_bytes", unit: "By", description: "Input tensor bytes of the work units this silo completed");

    private static readonly Counter<long> BytesRead = Meter.CreateCounter<long>(
        "fusion.units.bytes_read", unit: "By", description: "Input tensor bytes read by this silo's running units, counted as they are read (a rate of it is the silo's live throughput)");

    private static readonly UpDownCounter<long> UnitsRunning = Meter.CreateUpDownCounter<long>(
        "fusion.units.running", unit: "{unit}", description: "Work units running in a slot on this silo");

    private static readonly UpDownCounter<long> UnitsWaiting = Meter.CreateUpDownCounter<long>(
        "fusion.units.waiting", unit: "{unit}", description: "Work units held by this silo and waiting for a free slot (the silo's queue depth)");

    /// <summary>A running unit read <paramref name="bytes"/> more input bytes.</summary>
    public static void InputRead(long bytes) => BytesRead.Add(bytes);

    public static void UnitQueued() => UnitsWaiting.Add(1);

    public static void UnitStarted()
    {
        UnitsWaiting.Add(-1);
        UnitsRunning.Add(1);
    }

    /// <summary>A unit left this silo: <paramref name="started"/> tells whether it had a slot (running) or was still waiting.</summary>
    public static void UnitFinished(UnitOutcome outcome, long inputBytes, bool started)
    {
        if (started)
        {
            UnitsRunning.Add(-1);
        }
        else
        {
            UnitsWaiting.Add(-1);
        }

        UnitsFinished.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
        if (inputBytes > 0)
        {
            InputBytes.Add(inputBytes);
        }
    }
}

using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Resources;

/// <summary>
/// The retention rule of silos' CPU and memory: readings as sent for the last <see cref="RecentSpan"/>, then one-minute
/// averages for <see cref="MinutesSpan"/>, then ten-minute averages up to <see cref="Retention"/>; each tier also
/// capped in count, so a silo that reports every second cannot grow it. CPU and GPU utilisation are averaged over the
/// readings a thinned sample stands for, memory keeps the peak (a short spike is what runs a silo out of memory).
/// </summary>
public static class ResourceHistory
{
    public static readonly TimeSpan RecentSpan = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan MinutesSpan = TimeSpan.FromHours(6);

    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Half an hour at a reading every five seconds.</summary>
    public const int RecentCapacity = 360;

    public const int MinutesCapacity = 360;

    public const int TenMinutesCapacity = 144;

    /// <returns>False when the sample is not newer than the silo's newest (a repeat or out of order) and was ignored.</returns>
    public static bool Add(SiloResourceTiers tiers, SiloResourceSample sample)
    {
        if (tiers.Newest is { } newest && sample.At <= newest)
        {
            return false;
        }

        tiers.Recent.Add(sample);
        var now = sample.At;
        Demote(tiers.Recent, tiers.Minutes, TimeSpan.FromMinutes(1), now - RecentSpan, RecentCapacity);
        Demote(tiers.Minutes, tiers.TenMinutes, TimeSpan.FromMinutes(10), now - RecentSpan - MinutesSpan, MinutesCapacity);
        var expired = tiers.TenMinutes.FindIndex(s => s.At >= now - Retention);
        tiers.TenMinutes.RemoveRange(0, expired < 0 ? tiers.TenMinutes.Count : expired);
        if (tiers.TenMinutes.Count > TenMinutesCapacity)
        {
            tiers.TenMinutes.RemoveRange(0, tiers.TenMinutes.Count - TenMinutesCapacity);
        }

        return true;
    }

    /// <summary>Drops the silos whose newest sample is older than the retention (silos gone for a day).</summary>
    public static void Forget(SiloResourceState state, DateTimeOffset now)
    {
        foreach (var silo in state.Silos.Where(s => s.Value.Newest is not { } newest || newest < now - Retention).Select(s => s.Key).ToList())
        {
            state.Silos.Remove(silo);
        }
    }

    /// <summary>Two samples as one: readings-weighted means of the shares, peaks of the memory, the earlier start.</summary>
    public static SiloResourceSample Combine(SiloResourceSample a, SiloResourceSample b)
    {
        var (wa, wb) = (Math.Max(1, a.Readings), Math.Max(1, b.Readings));
        return new SiloResourceSample
        {
            At = a.At < b.At ? a.At : b.At,
            CpuPercent = ((a.CpuPercent * wa) + (b.CpuPercent * wb)) / (wa + wb),
            WorkingSetBytes = Math.Max(a.WorkingSetBytes, b.WorkingSetBytes),
            GpuMemoryBytes = a.GpuMemoryBytes is { } ma && b.GpuMemoryBytes is { } mb ? Math.Max(ma, mb) : a.GpuMemoryBytes ?? b.GpuMemoryBytes,
            GpuUtilizationPercent = a.GpuUtilizationPercent is { } ua && b.GpuUtilizationPercent is { } ub
                ? ((ua * wa) + (ub * wb)) / (wa + wb)
                : a.GpuUtilizationPercent ?? b.GpuUtilizationPercent,
            Readings = wa + wb,
        };
    }

    /// <summary>Moves the samples older than <paramref name="before"/> (and any past the capacity) into buckets of <paramref name="width"/>.</summary>
    private static void Demote(List<SiloResourceSample> from, List<SiloResourceSample> into, TimeSpan width, DateTimeOffset before, int capacity)
    {
        var count = 0;
        while (count < from.Count && (from[count].At < before || from.Count - count > capacity))
        {
            var sample = from[count++];
            var bucket = new DateTimeOffset(sample.At.UtcTicks - (sample.At.UtcTicks % width.Ticks), TimeSpan.Zero);
            if (into.Count > 0 && into[^1].At == bucket)
            {
                into[^1] = Combine(into[^1], sample) with { At = bucket };
            }
            else
            {
                into.Add(sample with { At = bucket });
            }
        }

        from.RemoveRange(0, count);
    }
}

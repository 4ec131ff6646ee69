namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>Which silo takes a job's next unit.</summary>
public static class SiloChoice
{
    /// <summary>
    /// The least loaded silo (in-flight units per slot) that may run the job's device and holds fewer than
    /// slots × <paramref name="queueFactor"/> units (rounded up), ties to the smaller key; null when every
    /// silo is full. One unit at a time, so work spreads over every silo and a silo that has just joined
    /// takes units at once.
    /// </summary>
    public static WorkerSilo? Pick(IReadOnlyList<WorkerSilo> active, IReadOnlyDictionary<string, int> inFlight, string device, double queueFactor) =>
        active
            .Where(s => JobDevice.CanRun(s, device))
            .Where(s => inFlight.GetValueOrDefault(s.Key) < (int)Math.Ceiling(s.Slots * queueFactor))
            .OrderBy(s => (double)inFlight.GetValueOrDefault(s.Key) / s.Slots)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .FirstOrDefault();
}

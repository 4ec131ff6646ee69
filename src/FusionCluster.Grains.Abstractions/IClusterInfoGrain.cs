namespace FusionCluster.Grains.Abstractions;

/// <summary>The cluster as the dashboard and `fusion silos` see it: active silos, their profile and load, and the silos that left.</summary>
[Alias("fc.IClusterInfoGrain")]
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    [Alias("GetSilos")]
    Task<IReadOnlyList<SiloInfo>> GetSilos();

    /// <summary>Every silo the membership table still holds, departed ones with when and why they left, newest first.</summary>
    [Alias("GetMembership")]
    Task<IReadOnlyList<SiloMembership>> GetMembership();

    /// <summary>The newest log lines (at most <paramref name="max"/>, oldest first) of the active silo named <paramref name="silo"/>; empty when there is none.</summary>
    [Alias("GetSiloLogs")]
    Task<IReadOnlyList<SiloLogLine>> GetSiloLogs(string silo, int max);
}

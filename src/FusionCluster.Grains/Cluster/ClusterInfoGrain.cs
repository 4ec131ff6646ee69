using System.Globalization;
using FusionCluster.Grains.Abstractions;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace FusionCluster.Grains.Cluster;

/// <summary>Reads membership and silo metadata where they live (on a silo) and asks each worker for its load.</summary>
[StatelessWorker]
public sealed class ClusterInfoGrain(IClusterMembershipService membership, ISiloMetadataCache metadata, IServiceProvider services) : Grain, IClusterInfoGrain
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(3);

    public async Task<IReadOnlyList<SiloInfo>> GetSilos()
    {
        var members = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        var silos = await Task.WhenAll(members.Select(async member =>
        {
            var values = metadata.GetSiloMetadata(member.SiloAddress).Metadata;
            var role = values.GetValueOrDefault(SiloMetadataKeys.Role, "");
            var load = new WorkerLoad(0, 0, 0, 0);
            if (role == SiloMetadataKeys.WorkerRole)
            {
                try
                {
                    load = await GrainFactory.GetGrain<IWorkerGrain>(member.SiloAddress.ToParsableString()).GetLoad().WaitAsync(LoadTimeout);
                }
                catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException)
                {
                    // A silo that does not answer in time shows no load rather than holding up the overview.
                }
            }

            return new SiloInfo
            {
                Name = member.Name ?? member.SiloAddress.ToString(),
                Address = member.SiloAddress.ToString(),
                Role = role,
                Device = values.GetValueOrDefault(SiloMetadataKeys.Device, ""),
                MemoryBytes = long.TryParse(values.GetValueOrDefault(SiloMetadataKeys.MemoryBytes), CultureInfo.InvariantCulture, out var memory) ? memory : 0,
                Cores = int.TryParse(values.GetValueOrDefault(SiloMetadataKeys.Cores), CultureInfo.InvariantCulture, out var cores) ? cores : 0,
                UnitSlots = int.TryParse(values.GetValueOrDefault(SiloMetadataKeys.UnitSlots), CultureInfo.InvariantCulture, out var slots) ? slots : 0,
                UnitsRunning = load.Running,
                UnitsQueued = load.Queued,
                UnitsCompleted = load.Completed,
                BytesPerSecond = load.BytesPerSecond,
            };
        }));
        return silos;
    }

    public async Task<IReadOnlyList<SiloLogLine>> GetSiloLogs(string silo, int max)
    {
        var member = membership.CurrentSnapshot.Members.Values.FirstOrDefault(m => m.Status == SiloStatus.Active && (m.Name == silo || m.SiloAddress.ToString() == silo));
        if (member is null)
        {
            return [];
        }

        return await GrainFactory.GetGrain<ISiloLogGrain>(member.SiloAddress.ToParsableString()).GetRecent(max).WaitAsync(LoadTimeout);
    }

    public async Task<IReadOnlyList<SiloMembership>> GetMembership()
    {
        // The table keeps dead silos' rows (with the votes that killed them) until its defunct-entry cleanup,
        // days later; the dashboard shows those within its retention window.
        if (services.GetService(typeof(IMembershipTable)) is IMembershipTable table)
        {
            using var timeout = new CancellationTokenSource(LoadTimeout);
            var data = await table.ReadAllAsync(timeout.Token);
            return MembershipHistory.From(data.Members.Select(m => m.Item1));
        }

        // Without a readable table, the silo's own view: statuses but no times.
        return membership.CurrentSnapshot.Members.Values
            .Select(m => new SiloMembership { Name = m.Name ?? m.SiloAddress.ToString(), Address = m.SiloAddress.ToString(), Status = m.Status.ToString(), Reason = m.Status == SiloStatus.Dead ? "dead (the membership table gives no details)" : "" })
            .ToList();
    }
}

using System.Globalization;
using FusionCluster.Grains.Abstractions;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace FusionCluster.Grains.Jobs;

/// <summary>The worker silos that membership currently considers active, with their unit slots.</summary>
public sealed class ClusterWorkers(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public IReadOnlyList<WorkerSilo> Active()
    {
        var workers = new List<WorkerSilo>();
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status != SiloStatus.Active)
            {
                continue;
            }

            var values = metadata.GetSiloMetadata(member.SiloAddress).Metadata;
            if (!values.TryGetValue(SiloMetadataKeys.Role, out var role) || role != SiloMetadataKeys.WorkerRole)
            {
                continue;
            }

            var slots = values.TryGetValue(SiloMetadataKeys.UnitSlots, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
            var device = values.TryGetValue(SiloMetadataKeys.Device, out var published) && published.Length > 0 ? published : "cpu";
            workers.Add(new WorkerSilo(member.SiloAddress.ToParsableString(), member.Name ?? member.SiloAddress.ToString(), slots, device));
        }

        return workers;
    }
}

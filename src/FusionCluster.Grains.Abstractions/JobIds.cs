using System.Security.Cryptography;

namespace FusionCluster.Grains.Abstractions;

public static class JobIds
{
    /// <summary>A sortable, readable id: UTC time of submission and random hex, e.g. 20261123-140512-3fa9c1.</summary>
    public static string New(TimeProvider? time = null) =>
        $"{(time ?? TimeProvider.System).GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
}

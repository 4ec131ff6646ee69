using System.Security.Cryptography;

namespace FusionCluster.Dashboard.Services;

public static class JobIds
{
    /// <summary>The same shape as the CLI's ids: UTC time of submission and random hex, e.g. 20261123-140512-3fa9c1.</summary>
    public static string New(TimeProvider time) => $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
}

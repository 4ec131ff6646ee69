namespace FusionCluster.Core.Planning;

public sealed record PlanOptions
{
    /// <summary>Largest output shard in bytes (a bigger tensor gets a shard of its own). mergekit's default is 5e9.</summary>
    public long ShardSizeBytes { get; init; } = 5_000_000_000;

    /// <summary>Job seed for random methods; each tensor's seed derives from it and the tensor name.</summary>
    public ulong Seed { get; init; }

    /// <summary>The spec file's folder: relative paths in the spec (align.permutation_spec) resolve against it.</summary>
    public string? SpecDirectory { get; init; }
}

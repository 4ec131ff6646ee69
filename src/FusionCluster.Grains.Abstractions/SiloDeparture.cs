namespace FusionCluster.Grains.Abstractions;

/// <summary>Why a silo is no longer active.</summary>
public enum SiloDeparture
{
    /// <summary>Still a member (joining, active, or on its way out).</summary>
    None,

    /// <summary>It shut down and said so itself.</summary>
    Graceful,

    /// <summary>Other silos stopped hearing from it and voted it dead (a crash, a kill, a lost network).</summary>
    DeclaredDead,
}

namespace FusionCluster.Core.Sweeps;

public enum TickAction
{
    /// <summary>Nothing is due.</summary>
    None,

    /// <summary>Start a run now.</summary>
    Start,

    /// <summary>A run was due but another is going and the policy is skip.</summary>
    Skip,

    /// <summary>A run was due but another is going; it waits (policy queue).</summary>
    Queue,
}

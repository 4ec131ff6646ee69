namespace FusionCluster.Core.Sweeps;

/// <summary>What a sweep does when a run is due while an earlier run is still going.</summary>
public enum OverlapPolicy
{
    /// <summary>The due run is dropped (and logged); the schedule carries on with its next occurrence.</summary>
    Skip,

    /// <summary>The due run starts when the current one ends; at most one waits, later fires fold into it.</summary>
    Queue,
}

namespace FusionCluster.Dashboard.Cluster;

public enum SiloRowState
{
    Active,

    /// <summary>Still active in the table, but other silos have voted it may be dead.</summary>
    Suspected,
    Joining,
    ShuttingDown,

    /// <summary>Shut down gracefully.</summary>
    Left,

    /// <summary>Declared dead by the other silos (crashed, killed, cut off).</summary>
    Dead,
}

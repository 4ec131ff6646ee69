namespace FusionCluster.Grains.Abstractions;

public enum UnitState
{
    Pending,
    Running,
    Done,
    Failed,
}

namespace FusionCluster.Grains.Abstractions;

public enum JobState
{
    Pending,
    Planning,
    Running,
    Publishing,
    Succeeded,
    Failed,
    Cancelled,
}

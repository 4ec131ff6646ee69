namespace FusionCluster.Dashboard.Notifications;

/// <summary>What a webhook can be told about.</summary>
public enum NotificationKind
{
    JobFailed,
    JobSucceeded,
    SweepRunFinished,
    SweepNewBest,
}

namespace FusionCluster.Dashboard.Notifications;

/// <summary>One thing that happened, as the sentence a chat channel shows.</summary>
public sealed record Notification(NotificationKind Kind, string Text);

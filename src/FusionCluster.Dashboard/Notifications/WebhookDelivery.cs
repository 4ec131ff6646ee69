namespace FusionCluster.Dashboard.Notifications;

/// <summary>How a delivery ended: delivered on attempt N, or given up with the last reason (never the URL).</summary>
public sealed record WebhookDelivery(bool Delivered, int Attempts, string? LastError);

namespace FusionCluster.Dashboard.Notifications;

/// <summary>Settings of section Fusion:Dashboard:Notifications.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Fusion:Dashboard:Notifications";

    /// <summary>The JSON file the webhooks operators configure are kept in (it holds their secrets; written owner-only).</summary>
    public string File { get; set; } = "";

    /// <summary>Tries per message, the first included.</summary>
    public int Attempts { get; set; } = 5;

    /// <summary>The wait before the second try; it doubles before each further one (capped at <see cref="MaxBackoff"/>).</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public string ResolvedFile => File.Length > 0
        ? Path.GetFullPath(File)
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".fusion", "dashboard-webhooks.json");
}

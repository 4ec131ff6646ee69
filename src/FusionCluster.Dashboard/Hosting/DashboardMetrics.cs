using System.Diagnostics.Metrics;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>
/// The dashboard's own meter, served with ASP.NET Core's request metrics and .NET's runtime meter at /metrics
/// (Prometheus text), so Grafana plots the dashboard beside the silos: which pages people watch, how many
/// live pages hold a circuit and refresh.
/// </summary>
public static class DashboardMetrics
{
    public const string MeterName = "FusionCluster.Dashboard";

    /// <summary>The meters /metrics serves: ASP.NET Core's requests and connections, .NET's process CPU and memory, and <see cref="MeterName"/>.</summary>
    public static readonly string[] Meters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", MeterName];

    private static readonly Meter Meter = new(MeterName);

    /// <summary>fusion_dashboard_page_views_total{page}: a job or sweep page opened (or switched to another job or sweep).</summary>
    private static readonly Counter<long> PageViews = Meter.CreateCounter<long>("fusion.dashboard.page_views", description: "Job and sweep pages opened");

    /// <summary>fusion_dashboard_live_pages{page}: job and sweep pages open now, each refreshing from the cluster.</summary>
    private static readonly UpDownCounter<long> LivePages = Meter.CreateUpDownCounter<long>("fusion.dashboard.live_pages", description: "Job and sweep pages open now");

    public static void Viewed(string page) => PageViews.Add(1, new KeyValuePair<string, object?>("page", page));

    public static void Opened(string page) => LivePages.Add(1, new KeyValuePair<string, object?>("page", page));

    public static void Closed(string page) => LivePages.Add(-1, new KeyValuePair<string, object?>("page", page));
}

using Bunit.TestDoubles;
using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Benchmarks;
using FusionCluster.Dashboard.Connectivity;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using FusionCluster.Storage.Local;
using MudBlazor.Services;

namespace FusionCluster.Dashboard.Tests.Fakes;

/// <summary>A bunit context with the dashboard's services, the cluster and stores replaced by in-memory fakes.</summary>
public abstract class DashboardTestContext : BunitContext
{
    protected DashboardTestContext()
    {
        // bUnit waits 1 s by default; a render waiting on real files or HTTP (connect results, webhooks) can take
        // longer on a loaded CI machine, and a wait that succeeds returns as soon as it does.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IFusionCluster>(Cluster);
        Services.AddSingleton<IClusterMonitor>(Monitor);
        Services.AddSingleton<IArtifactBrowser>(Artifacts);
        Services.AddSingleton<MergeReportReader>();
        // Connect results are real files under a test's folder (DashboardOptions.ConnectResults), read through the real local store.
        Services.AddSingleton(new ArtifactStores([new LocalFolderStore()]));
        Services.AddSingleton<ConnectResultCatalog>();
        Services.AddSingleton<BenchmarkResultCatalog>();
        Services.AddSingleton(Specs);
        Services.AddSingleton(new SecretRedactor(["super-secret-connection-string"]));
        Services.AddSingleton(Options.Create(DashboardOptions));
        Services.AddSingleton<TimeProvider>(TimeProvider.System);
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddScoped<OperatorGate>();
        Services.AddScoped<JobCommands>();
        Services.AddScoped<SiloLogReader>();
        Services.AddSingleton<IFusionSweeps>(Sweeps);
        Services.AddScoped<SweepCommands>();
        Authorization = AddAuthorization();
    }

    protected FakeFusionCluster Cluster { get; } = new();

    protected FakeFusionSweeps Sweeps { get; } = new();

    protected FakeClusterMonitor Monitor { get; } = new();

    protected FakeArtifactBrowser Artifacts { get; } = new();

    protected SpecArchive Specs { get; } = new();

    protected DashboardOptions DashboardOptions { get; } = new() { SpecDirectory = "/models", DefaultOutput = "/results/merged", JobRefreshInterval = TimeSpan.FromMilliseconds(100) };

    protected BunitAuthorizationContext Authorization { get; }

    protected void SignInAs(string role, string name = "alice") => Authorization.SetAuthorized(name).SetRoles(role);
}

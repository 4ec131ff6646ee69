using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Dashboard.Security;
using FusionCluster.Hosting;
using FusionCluster.TestSupport;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// One dashboard (a client of an embedded silo in this process, as `fusion dashboard` runs it), one chromium and three small synthetic models for the whole
/// test assembly. Users: an operator and a viewer, with hashed passwords in configuration as in production.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string OperatorName = "olga";
    public const string OperatorPassword = "operator-password-1";
    public const string ViewerName = "victor";
    public const string ViewerPassword = "viewer-password-1";

    private DashboardFactory? factory;
    private EmbeddedCluster? silo;

    public string Root { get; } = Directory.CreateTempSubdirectory("fc-dashboard-e2e-").FullName;

    public string ModelsDirectory => Path.Combine(Root, "models");

    public string OutputsDirectory => Path.Combine(Root, "outputs");

    /// <summary>Fusion:Dashboard:ConnectResults: where fusion connect --publish results are listed from.</summary>
    public string ConnectResultsDirectory => Path.Combine(Root, "connect");

    /// <summary>Fusion:Dashboard:BenchmarkResults: where fusion benchmark multitask --publish results are listed from.</summary>
    public string BenchmarkResultsDirectory => Path.Combine(Root, "benchmarks");

    /// <summary>Screenshots and measurements: &lt;repo&gt;/TestResults/dashboard (kept after the run).</summary>
    public string ResultsDirectory { get; } = Path.Combine(RepositoryRoot.Find(), "TestResults", "dashboard");

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IServiceProvider Services => factory!.Services;

    /// <summary>The embedded silo's gateway (a dashboard of another cluster can start against it and be pointed elsewhere).</summary>
    public int GatewayPort => silo!.Endpoint.GatewayPort!.Value;

    /// <summary>The embedded silo's cluster id, which a client of its gateway must name.</summary>
    public string ClusterId => silo!.Endpoint.ClusterId;

    public IBrowser Browser { get; private set; } = default!;

    private IPlaywright? Playwright { get; set; }

    public async ValueTask InitializeAsync()
    {
        // Before anything starts: fails (never skips) with a message naming deploy/local/prerequisites when chromium is missing.
        _ = LocalTools.Chromium;
        Directory.CreateDirectory(ResultsDirectory);
        Directory.CreateDirectory(OutputsDirectory);
        WriteModels();

        // The command evaluator is on: the sweep-cancel test keeps a run going with a command that waits for a file.
        silo = await EmbeddedCluster.StartAsync(unitSlots: 0, CancellationToken.None, allowCommandEvaluator: true);
        factory = new DashboardFactory(new Dictionary<string, string>
        {
            ["Fusion:Cluster:Gateway"] = silo.Endpoint.GatewayPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Fusion:Cluster:Id"] = silo.Endpoint.ClusterId,
            ["Fusion:Dashboard:SpecDirectory"] = ModelsDirectory,
            ["Fusion:Dashboard:DefaultOutput"] = Path.Combine(OutputsDirectory, "merged"),
            ["Fusion:Dashboard:ConnectResults"] = ConnectResultsDirectory,
            ["Fusion:Dashboard:BenchmarkResults"] = BenchmarkResultsDirectory,
            // Every test signs in afresh from one address, more often than the default ten a minute allow.
            ["Fusion:Dashboard:SignInAttemptsPerMinute"] = "600",
            [$"Fusion:Dashboard:Users:{OperatorName}:PasswordHash"] = PasswordHash.Create(OperatorPassword, PasswordHash.MinimumIterations),
            [$"Fusion:Dashboard:Users:{OperatorName}:Role"] = DashboardRoles.Operator,
            [$"Fusion:Dashboard:Users:{ViewerName}:PasswordHash"] = PasswordHash.Create(ViewerPassword, PasswordHash.MinimumIterations),
            [$"Fusion:Dashboard:Users:{ViewerName}:Role"] = DashboardRoles.Viewer,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        factory.UseKestrel(0);
        factory.StartServer();
        BaseAddress = factory.ClientOptions.BaseAddress;

        // Generous waits: CI runs the test projects side by side on two cores.
        Assertions.SetDefaultExpectTimeout(20_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await HeadlessChromium.LaunchAsync(Playwright);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the silo; the temp folder is cleaned by the system.
        }
    }

    /// <summary>A signed-in page of a fresh browser context (its own cookies), collecting console errors.</summary>
    public async Task<BrowserSession> SignInAsync(string user, string password)
    {
        var session = await BrowserSession.OpenAsync(Browser, BaseAddress);
        await session.SignInAsync(user, password);
        return session;
    }

    /// <summary>base, ft-1 and ft-2: Llama-shaped bf16 models of about 2 MB (a few layers each).</summary>
    private void WriteModels()
    {
        var shape = SyntheticModelShape.ForSize(2_000_000, DType.BF16.ElementSize());
        SyntheticCheckpoint.Write(Path.Combine(ModelsDirectory, "base"), shape, DType.BF16, baseSeed: 1, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(ModelsDirectory, "ft-1"), shape, DType.BF16, baseSeed: 1, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(ModelsDirectory, "ft-2"), shape, DType.BF16, baseSeed: 1, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
    }
}

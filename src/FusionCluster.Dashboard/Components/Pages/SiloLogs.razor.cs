using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// The recent log lines of one silo, for operators (<see cref="SiloLogReader"/> refuses everyone else on the
/// server and redacts every line). Newest first; filtered by level and text on the page.
/// </summary>
public sealed partial class SiloLogs : IDisposable
{
    private static readonly string[] Levels = ["Information", "Warning", "Error", "Critical"];

    private readonly CancellationTokenSource lifetime = new();
    private IReadOnlyList<string> silos = [];
    private IReadOnlyList<SiloLogLine> lines = [];
    private bool checkedRole;
    private bool isOperator;
    private bool loading;
    private string? error;
    private string minLevel = "Information";
    private string search = "";

    [SupplyParameterFromQuery(Name = "silo")]
    public string? Silo { get; set; }

    [Inject]
    private SiloLogReader Reader { get; set; } = default!;

    [Inject]
    private IFusionCluster Cluster { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>Newest first, at the chosen level or above, containing the search text.</summary>
    private IReadOnlyList<SiloLogLine> Shown => lines
        .Where(l => Rank(l.Level) >= Rank(minLevel))
        .Where(l => search.Length == 0 || l.Message.Contains(search, StringComparison.OrdinalIgnoreCase) || l.Category.Contains(search, StringComparison.OrdinalIgnoreCase))
        .Reverse()
        .ToList();

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        isOperator = await Reader.IsOperatorAsync();
        checkedRole = true;
        if (!isOperator)
        {
            return;
        }

        try
        {
            silos = (await Cluster.GetSilosAsync(lifetime.Token)).Select(s => s.Name).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = Redactor.Redact(ConnectionTrouble.Describe(e, TimeSpan.FromSeconds(10)));
            return;
        }

        if (Silo is null || !silos.Contains(Silo))
        {
            Silo = silos.FirstOrDefault();
        }

        await LoadAsync();
    }

    private async Task SelectSiloAsync(string silo)
    {
        Silo = silo;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("silo", silo), replace: true);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (Silo is null)
        {
            return;
        }

        loading = true;
        error = null;
        try
        {
            lines = await Reader.ReadAsync(Silo, SiloLogReader.DefaultLines, lifetime.Token);
        }
        catch (OperatorRequiredException e)
        {
            error = $"Refused: {e.Message}.";
            lines = [];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = $"Cannot read the logs of {Silo}: {Redactor.Redact(ConnectionTrouble.FirstLine(e.Message))}";
            lines = [];
        }
        finally
        {
            loading = false;
        }
    }

    private static int Rank(string level) => Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(level, out var parsed) ? (int)parsed : 0;

    /// <summary>The type name without its namespace: full categories are too long for a column.</summary>
    private static string ShortCategory(string category) => category[(category.LastIndexOf('.') + 1)..];
}

using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Sweeps;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>Operators write a sweep.yaml, see it checked as they type, and create the sweep on the cluster.</summary>
public sealed partial class NewSweep : IDisposable
{
    private readonly CancellationTokenSource lifetime = new();
    private (string Error, int? Line)? check;
    private bool checkedRole;
    private bool isOperator;
    private bool creating;
    private string? createError;

    [Inject]
    private SweepCommands Commands { get; set; } = default!;

    [Inject]
    private IOptions<DashboardOptions> Options { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    // Its roots are the dashboard's (Fusion:Storage:LocalRoots): the check reads a template file only inside them.
    [Inject]
    private ArtifactStores Stores { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    private string SweepId { get; set; } = "";

    private string Directory { get; set; } = "";

    private string Yaml { get; set; } = "";

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        isOperator = await Commands.IsOperatorAsync();
        Directory = Options.Value.ResolvedSpecDirectory;
        Check();
        checkedRole = true;
    }

    private void Check() => check = SweepSpecCheck.Run(Yaml, "sweep.yaml", Directory, Stores.Roots);

    private async Task CreateAsync()
    {
        (creating, createError) = (true, null);
        try
        {
            var status = await Commands.CreateAsync(SweepId.Trim(), Yaml, Directory, lifetime.Token);
            if (status.Error is { } error)
            {
                createError = Redactor.Redact(error);
            }
            else
            {
                Navigation.NavigateTo($"sweeps/{Uri.EscapeDataString(status.Id)}");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !lifetime.IsCancellationRequested)
        {
            createError = Redactor.Redact(e.Message);
        }

        creating = false;
    }
}

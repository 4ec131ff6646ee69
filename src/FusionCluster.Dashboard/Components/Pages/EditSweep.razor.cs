using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// Operators edit a sweep's sweep.yaml in place, starting from the definition in force, checked as they type
/// by the same parser as New sweep; the sweep grain validates it again with its inputs and records the edit.
/// </summary>
public sealed partial class EditSweep : IDisposable
{
    private readonly CancellationTokenSource lifetime = new();
    private (string Error, int? Line)? check;
    private bool loaded;
    private bool isOperator;
    private bool saving;
    private string? loadError;
    private string? saveError;
    private SweepStatus? status;

    [Parameter]
    public string SweepId { get; set; } = "";

    [Inject]
    private IFusionSweeps Cluster { get; set; } = default!;

    [Inject]
    private SweepCommands Commands { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    // Its roots are the dashboard's (Fusion:Storage:LocalRoots): the check reads a template file only inside them.
    [Inject]
    private ArtifactStores Stores { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    private string Yaml { get; set; } = "";

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        isOperator = await Commands.IsOperatorAsync();
        if (isOperator)
        {
            try
            {
                status = await Cluster.GetSweepAsync(SweepId, lifetime.Token);
                Yaml = status?.SpecText ?? "";
                Check();
            }
            catch (Exception e) when (e is not OperationCanceledException || !lifetime.IsCancellationRequested)
            {
                loadError = Redactor.Redact(e.Message);
            }
        }

        loaded = true;
    }

    private void Check() => check = SweepSpecCheck.Run(Yaml, status?.SpecName is { Length: > 0 } name ? name : "sweep.yaml", status?.SpecDirectory ?? "", Stores.Roots);

    private async Task SaveAsync()
    {
        (saving, saveError) = (true, null);
        try
        {
            var saved = await Commands.EditAsync(SweepId, Yaml, status!.SpecDirectory, lifetime.Token);
            if (saved.Error is { } error)
            {
                saveError = $"The sweep refused the change: {Redactor.Redact(error)}";
            }
            else
            {
                Navigation.NavigateTo($"sweeps/{Uri.EscapeDataString(SweepId)}");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !lifetime.IsCancellationRequested)
        {
            saveError = Redactor.Redact(e.Message);
        }

        saving = false;
    }
}

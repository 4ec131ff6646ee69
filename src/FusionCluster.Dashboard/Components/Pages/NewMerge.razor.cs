using System.Globalization;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Synthesis;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Specs;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// The spec editor: validates on every keystroke with the cluster's own parser, previews the plan
/// (units, bytes, output shards) through the planner grain, and submits only what was previewed.
/// </summary>
public sealed partial class NewMerge : IDisposable
{
    private readonly CancellationTokenSource lifetime = new();
    private bool checkedRole;
    private bool isOperator;
    private SpecCheck check = SpecCheck.Run("", "spec.yaml");
    private PlanPreview? preview;
    private MergeSubmission? previewed;
    private string? previewError;
    private string? inputError;
    private string? submitError;
    private bool previewing;
    private bool submitting;

    [Inject]
    private JobCommands Commands { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IFusionCluster Cluster { get; set; } = default!;

    /// <summary>A job whose spec, name and settings the editor starts from (the job list's Clone).</summary>
    [SupplyParameterFromQuery(Name = "from")]
    private string? FromJob { get; set; }

    private string? clonedFrom;
    private string? cloneError;

    [Inject]
    private IOptions<DashboardOptions> Options { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    private string SpecText { get; set; } = "";

    private string SpecName { get; set; } = "spec.yaml";

    private string SpecDirectory { get; set; } = "";

    private string Output { get; set; } = "";

    private string Seed { get; set; } = "0";

    private string ShardSize { get; set; } = "5GB";

    private string MaxUnits { get; set; } = "0";

    private bool Overwrite { get; set; }

    private bool HashInputs { get; set; }

    private string Device { get; set; } = MergeDevices.Auto;

    private string? ErrorLineText => check.ErrorLine is { } line ? SpecCheck.LineOf(SpecText, line) : null;

    private bool CanPreview => check.IsValid && !previewing && !submitting && Output.Trim().Length > 0;

    private bool PreviewIsCurrent => previewed is not null && previewed == TryBuildSubmission(out _);

    private bool CanSubmit => CanPreview && preview is not null && previewError is null && PreviewIsCurrent;

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        SpecDirectory = Options.Value.ResolvedSpecDirectory;
        Output = Options.Value.DefaultOutput;
        isOperator = await Commands.IsOperatorAsync();
        checkedRole = true;
        if (FromJob is { Length: > 0 } from)
        {
            await CloneAsync(from);
        }
    }

    private async Task CloneAsync(string jobId)
    {
        try
        {
            if (await Cluster.GetJobAsync(jobId, lifetime.Token) is not { SpecText.Length: > 0 } job)
            {
                cloneError = $"Job {jobId} has no spec to start from (it does not exist, or it predates jobs keeping their spec).";
                return;
            }

            SpecText = job.SpecText;
            SpecName = job.SpecName.Length > 0 ? job.SpecName : SpecName;
            if (job.Device.Length > 0)
            {
                Device = job.Device;
            }

            // The output stays the default: resubmitting into the same folder would need Replace, a choice left to the operator.
            clonedFrom = jobId;
            OnSpecChanged();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            cloneError = $"Could not read job {jobId}: {Redactor.Redact(e.Message)}";
        }
    }

    private void OnSpecChanged() => check = SpecCheck.Run(SpecText, SpecName);

    private void UseExample(ExampleSpec example)
    {
        SpecText = example.Yaml;
        SpecName = $"{example.Name}.yaml";
        OnSpecChanged();
    }

    private MergeSubmission? TryBuildSubmission(out string? error)
    {
        error = null;
        if (!ulong.TryParse(Seed.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            error = $"Seed: '{Seed}' is not a whole number ≥ 0";
            return null;
        }

        if (!ByteSize.TryParse(ShardSize, out var shardBytes) || shardBytes <= 0)
        {
            error = $"Largest output shard: '{ShardSize}' is not a size such as 5GB or 500MB";
            return null;
        }

        if (!int.TryParse(MaxUnits.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var maxUnits))
        {
            error = $"Units at once: '{MaxUnits}' is not a whole number ≥ 0";
            return null;
        }

        if (SpecDirectory.Trim().Length == 0 || !Path.IsPathFullyQualified(SpecDirectory.Trim()))
        {
            error = "Model folder: give an absolute path (relative model paths of the spec start there)";
            return null;
        }

        return new MergeSubmission
        {
            SpecText = SpecText,
            SpecName = SpecName.Trim().Length > 0 ? SpecName.Trim() : "spec.yaml",
            SpecDirectory = SpecDirectory.Trim(),
            Output = Output.Trim(),
            Seed = seed,
            ShardSizeBytes = shardBytes,
            Overwrite = Overwrite,
            MaxParallelUnits = maxUnits,
            InputHash = HashInputs ? InputHashMode.Full : InputHashMode.Header,
            Device = Device,
        };
    }

    private async Task PreviewAsync()
    {
        var submission = TryBuildSubmission(out inputError);
        if (submission is null)
        {
            return;
        }

        previewing = true;
        (preview, previewError, submitError) = (null, null, null);
        try
        {
            var plan = await Commands.PreviewAsync(submission, lifetime.Token);
            if (plan.Error is not null)
            {
                previewError = Redactor.Redact(plan.Error);
            }
            else
            {
                preview = plan;
                previewed = submission;
            }
        }
        catch (OperatorRequiredException e)
        {
            previewError = $"Refused: {e.Message}.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            previewError = $"The planner did not answer: {Redactor.Redact(e.Message)}";
        }
        finally
        {
            previewing = false;
        }
    }

    private async Task SubmitAsync()
    {
        var submission = TryBuildSubmission(out inputError);
        if (submission is null || submission != previewed)
        {
            return;
        }

        submitting = true;
        submitError = null;
        try
        {
            var (jobId, status) = await Commands.SubmitAsync(submission, lifetime.Token);
            if (status.State == JobState.Failed)
            {
                submitError = $"Job {jobId} failed to start: {Redactor.Redact(status.Error)}";
                return;
            }

            Navigation.NavigateTo($"jobs/{Uri.EscapeDataString(jobId)}");
        }
        catch (OperatorRequiredException e)
        {
            submitError = $"Refused: {e.Message}.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            submitError = $"Submitting failed: {Redactor.Redact(e.Message)}";
        }
        finally
        {
            submitting = false;
        }
    }
}

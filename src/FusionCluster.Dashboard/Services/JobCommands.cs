using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// The changes a user can make: previewing, submitting and cancelling merges. Scoped to a circuit, it
/// checks the circuit's signed-in user on the server for every call, so hiding a button is never the
/// only protection. Submissions and cancellations are logged with the user's name.
/// </summary>
public sealed class JobCommands(
    IFusionCluster cluster,
    IClusterMonitor monitor,
    SpecArchive specs,
    OperatorGate gate,
    TimeProvider time,
    ILogger<JobCommands> logger)
{
    /// <summary>Plans without running (reads only headers); for operators, like the New merge page it serves.</summary>
    public async Task<PlanPreview> PreviewAsync(MergeSubmission submission, CancellationToken cancellationToken)
    {
        await gate.RequireOperatorAsync("preview merges");
        return await cluster.PreviewAsync(ToRequest(submission, ""), cancellationToken);
    }

    /// <returns>The job id and its status after planning (state Failed, with the reason, when it did not plan).</returns>
    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<(string JobId, JobStatus Status)> SubmitAsync(MergeSubmission submission, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("submit merges");
        var jobId = JobIds.New(time);
        logger.LogInformation("User {User} submits job {Job} ({Spec}) to {Output}", user.Identity!.Name, jobId, submission.SpecName, submission.Output);
        specs.Remember(jobId, submission.SpecText);
        var status = await cluster.StartAsync(jobId, ToRequest(submission, user.Identity!.Name!), cancellationToken);
        _ = RefreshQuietly();
        return (jobId, status);
    }

    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("cancel merges");
        logger.LogInformation("User {User} cancels job {Job}", user.Identity!.Name, jobId);
        await cluster.CancelAsync(jobId, cancellationToken);
        _ = RefreshQuietly();
    }

    /// <summary>True when the circuit's user is an operator (for showing operator controls).</summary>
    public Task<bool> IsOperatorAsync() => gate.IsOperatorAsync();


    private static MergeRequest ToRequest(MergeSubmission submission, string user) => new()
    {
        SpecText = submission.SpecText,
        SpecName = submission.SpecName,
        SpecDirectory = submission.SpecDirectory,
        Output = submission.Output,
        Seed = submission.Seed,
        ShardSizeBytes = submission.ShardSizeBytes,
        Overwrite = submission.Overwrite,
        MaxParallelUnits = submission.MaxParallelUnits,
        InputHash = submission.InputHash,
        Device = submission.Device,
        SubmittedBy = user,
    };

    private async Task RefreshQuietly()
    {
        try
        {
            await monitor.RefreshAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The next scheduled poll catches up.
        }
    }
}

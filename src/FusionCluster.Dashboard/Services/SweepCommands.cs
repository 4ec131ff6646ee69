using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// The changes a user can make to a sweep: a run now, cancelling it, pause, resume, a new schedule, a new definition. Scoped to a circuit, it checks the
/// circuit's signed-in user on the server for every call, so hiding a button is never the only protection.
/// Every change is logged with the user's name.
/// </summary>
public sealed class SweepCommands(IFusionSweeps sweeps, OperatorGate gate, ILogger<SweepCommands> logger)
{
    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<SweepRunRequestResult> RunAsync(string sweepId, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("run sweeps");
        logger.LogInformation("User {User} asks sweep {Sweep} for a run", user.Identity!.Name, sweepId);
        return await sweeps.RunAsync(sweepId, cancellationToken);
    }

    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<SweepStatus> PauseAsync(string sweepId, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("pause sweeps");
        logger.LogInformation("User {User} pauses sweep {Sweep}", user.Identity!.Name, sweepId);
        return await sweeps.PauseAsync(sweepId, cancellationToken);
    }

    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<SweepRunDetail?> CancelRunAsync(string sweepId, int number, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("cancel sweep runs");
        logger.LogInformation("User {User} cancels run {Run} of sweep {Sweep}", user.Identity!.Name, number, sweepId);
        return await sweeps.CancelRunAsync(sweepId, number, cancellationToken);
    }

    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<SweepStatus> ResumeAsync(string sweepId, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("resume sweeps");
        logger.LogInformation("User {User} resumes sweep {Sweep}", user.Identity!.Name, sweepId);
        return await sweeps.ResumeAsync(sweepId, cancellationToken);
    }

    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<SweepStatus> SetScheduleAsync(string sweepId, string? cron, string? timeZone, bool queueOverlaps, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("change sweep schedules");
        logger.LogInformation("User {User} sets the schedule of sweep {Sweep} to {Cron} ({Zone})", user.Identity!.Name, sweepId, cron ?? "none", timeZone ?? "UTC");
        return await sweeps.SetScheduleAsync(sweepId, cron, timeZone, queueOverlaps, cancellationToken);
    }

    /// <summary>Creates a sweep from sweep.yaml text, submitted by the circuit's user.</summary>
    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<SweepStatus> CreateAsync(string sweepId, string yaml, string directory, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("create sweeps");
        logger.LogInformation("User {User} creates sweep {Sweep}", user.Identity!.Name, sweepId);
        return await sweeps.CreateAsync(
            sweepId,
            new SweepDefinition { SpecText = yaml, SpecDirectory = directory, SpecName = "sweep.yaml", SubmittedBy = user.Identity!.Name ?? "" },
            cancellationToken);
    }

    /// <summary>Replaces the sweep's sweep.yaml with <paramref name="yaml"/>, recorded as the circuit's user's edit.</summary>
    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task<SweepStatus> EditAsync(string sweepId, string yaml, string directory, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("edit sweeps");
        logger.LogInformation("User {User} edits sweep {Sweep}", user.Identity!.Name, sweepId);
        return await sweeps.EditAsync(
            sweepId,
            new SweepDefinition { SpecText = yaml, SpecDirectory = directory, SpecName = "sweep.yaml", SubmittedBy = user.Identity!.Name ?? "" },
            cancellationToken);
    }

    /// <exception cref="OperatorRequiredException">The user is not an operator; nothing was sent.</exception>
    public async Task DeleteAsync(string sweepId, CancellationToken cancellationToken)
    {
        var user = await gate.RequireOperatorAsync("delete sweeps");
        logger.LogInformation("User {User} deletes sweep {Sweep}", user.Identity!.Name, sweepId);
        await sweeps.DeleteAsync(sweepId, cancellationToken);
    }

    /// <summary>True when the circuit's user is an operator (for showing operator controls).</summary>
    public Task<bool> IsOperatorAsync() => gate.IsOperatorAsync();
}

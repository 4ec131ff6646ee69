using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains;

/// <summary>
/// Turns one reminder of a grain on or off. A failure is logged, not thrown: the reminder only brings
/// the grain back after a restart, and the next change of the grain's state tries again.
/// </summary>
public sealed class GrainReminderSwitch(Grain grain, string name, ILogger logger)
{
    /// <param name="needed">Register the reminder if it is missing (true), or remove it if it is there (false).</param>
    public async Task SetAsync(bool needed, TimeSpan dueTime, TimeSpan period)
    {
        try
        {
            var existing = await grain.GetReminder(name);
            if (needed && existing is null)
            {
                await grain.RegisterOrUpdateReminder(name, dueTime, period);
            }
            else if (!needed && existing is not null)
            {
                await grain.UnregisterReminder(existing);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "{Grain}: could not {Change} its reminder '{Reminder}'", grain.GetGrainId(), needed ? "register" : "remove", name);
        }
    }

    public Task RemoveAsync() => SetAsync(needed: false, TimeSpan.Zero, TimeSpan.Zero);
}

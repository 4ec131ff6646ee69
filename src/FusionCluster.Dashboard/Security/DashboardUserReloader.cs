using Microsoft.Extensions.Primitives;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// Rereads the users when the configuration reloads (appsettings*.json are watched; environment variables
/// need a restart, which ends every session anyway). Cookies are checked against the new set from the next
/// request on. A set that no longer reads (a malformed entry) empties the store rather than keeping users
/// that may have been removed: nobody is signed in until it is fixed, and the log says which entry is wrong.
/// </summary>
public sealed class DashboardUserReloader(IConfiguration configuration, DashboardUserStore users, ILogger<DashboardUserReloader> logger) : IHostedService, IDisposable
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => subscription?.Dispose();

    /// <summary>Applies the configuration's current users now.</summary>
    public void Reload()
    {
        try
        {
            users.Replace(DashboardUserStore.ReadUsers(configuration));
            logger.LogInformation("Configuration reloaded: {Users} dashboard users", users.Count);
        }
        catch (InvalidOperationException e)
        {
            users.Clear();
            logger.LogError("Configuration reloaded with unusable users, so nobody is signed in until it is fixed: {Error}", e.Message);
        }
    }
}

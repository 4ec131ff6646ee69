using Microsoft.Extensions.Configuration;

namespace FusionCluster.Dashboard.EndToEnd.Tests.Security;

/// <summary>A configuration source a test changes while the dashboard runs, reloading like an edited appsettings.json does.</summary>
public sealed class ReloadableSettings : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>Sets (or, with null, removes) keys, then signals one reload.</summary>
    public void Change(params (string Key, string? Value)[] changes)
    {
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                Data.Remove(key);
            }
            else
            {
                Data[key] = value;
            }
        }

        OnReload();
    }
}

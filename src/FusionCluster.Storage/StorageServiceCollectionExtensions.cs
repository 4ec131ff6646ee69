using Azure.Identity;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the stores named by configuration: local folders always (restricted to
    /// Fusion:Storage:LocalRoots when set), and Azure Blob Storage when Fusion:Storage:Azure is configured.
    /// A second call (a dashboard co-hosting a silo registers both) changes nothing.
    /// </summary>
    public static IServiceCollection AddFusionStorage(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(ArtifactStores)))
        {
            return services;
        }

        var section = configuration.GetSection("Fusion:Storage");
        var roots = new LocalRoots(ConfiguredRoots(section));
        services.AddSingleton(roots);

        // Embedded silos only (their jobs live in memory): staging a killed process left is removed at the next start.
        StagingJournal? journal = null;
        if (section["StagingJournal"] is { Length: > 0 } journalFolder)
        {
            journal = new StagingJournal(journalFolder);
            services.AddSingleton(journal);
            services.AddHostedService<StagingJournalCleanup>();
        }

        services.AddSingleton<IArtifactStore>(new LocalFolderStore(roots, journal));
        if (AzureStore(section.GetSection("Azure")) is { } azure)
        {
            services.AddSingleton<IArtifactStore>(azure);
        }

        services.AddSingleton<ArtifactStores>();
        services.AddSingleton<CheckpointCache>();
        return services;
    }

    /// <summary>
    /// The Azure blob store when Fusion:Storage:Azure:ConnectionString (a key, SAS or Azurite connection
    /// string) or Fusion:Storage:Azure:AccountUrl (authenticated with DefaultAzureCredential) is set.
    /// </summary>
    private static AzureBlobStore? AzureStore(IConfigurationSection azure)
    {
        var defaults = new AzureBlobStoreOptions();
        var options = new AzureBlobStoreOptions
        {
            ReadRangeBytes = azure.GetValue("ReadRangeBytes", defaults.ReadRangeBytes),
            ReadConcurrency = azure.GetValue("ReadConcurrency", defaults.ReadConcurrency),
            BlockBytes = azure.GetValue("BlockBytes", defaults.BlockBytes),
            StageConcurrency = azure.GetValue("StageConcurrency", defaults.StageConcurrency),
        };
        if (azure["ConnectionString"] is { Length: > 0 } connectionString)
        {
            return AzureBlobStore.FromConnectionString(connectionString, options);
        }

        if (azure["AccountUrl"] is { Length: > 0 } accountUrl)
        {
            if (!Uri.TryCreate(accountUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Query.Length > 0)
            {
                throw new StorageException("Fusion:Storage:Azure:AccountUrl must be an http(s) account URL without a query (put SAS tokens in ConnectionString)");
            }

            return AzureBlobStore.FromAccountUrl(url, new DefaultAzureCredential(), options);
        }

        return null;
    }

    /// <summary>One line for a start-up log: the local data roots in force, or that there are none.</summary>
    public static string DescribeLocalRoots(this IServiceProvider services)
    {
        var local = services.GetServices<IArtifactStore>().OfType<LocalFolderStore>().FirstOrDefault();
        return local is null || local.Roots.Count == 0
            ? "local data roots: none (merges may read and write every local folder this process can)"
            : $"local data roots: {string.Join(", ", local.Roots)}";
    }

    private static List<string> ConfiguredRoots(IConfigurationSection storage)
    {
        var roots = storage.GetSection("LocalRoots");
        var values = roots.Value is { } joined
            ? joined.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : roots.GetChildren().Select(c => c.Value).OfType<string>();
        return values.ToList();
    }
}

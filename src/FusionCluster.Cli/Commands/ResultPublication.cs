using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Local;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// --publish LOCATION of fusion connect and fusion benchmark multitask: a result's small files published whole at a
/// folder or az:// prefix (manifest last), where the dashboard lists it when LOCATION lies directly under its
/// Fusion:Dashboard:ConnectResults or BenchmarkResults. az:// takes the account from $FUSION_BLOB_CONNECTION, as
/// fusion merge's embedded silo does.
/// </summary>
internal sealed class ResultPublication
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly ArtifactStores stores;
    private readonly bool overwrite;

    private ResultPublication(ArtifactStores stores, string location, bool overwrite)
    {
        this.stores = stores;
        this.overwrite = overwrite;
        Location = location;
    }

    /// <summary>The canonical location: a full path or a normalised az:// URI.</summary>
    public string Location { get; }

    /// <summary>The result's name, shown by the dashboard: the location's last segment.</summary>
    public string Name => Path.GetFileName(Location.TrimEnd('/', Path.DirectorySeparatorChar));

    /// <exception cref="StorageException">The location is malformed or no store handles it.</exception>
    public static ResultPublication Open(string location, bool overwrite)
    {
        List<IArtifactStore> all = [new LocalFolderStore()];
        if (Environment.GetEnvironmentVariable("FUSION_BLOB_CONNECTION") is { Length: > 0 } blobs)
        {
            all.Add(AzureBlobStore.FromConnectionString(blobs));
        }

        var stores = new ArtifactStores(all);
        var resolved = stores.Resolve(location, Directory.GetCurrentDirectory(), mustExist: false);
        var publication = new ResultPublication(stores, resolved, overwrite);
        if (publication.Name.Length == 0)
        {
            throw new StorageException($"--publish '{location}': name a folder or prefix for the result, not a root");
        }

        return publication;
    }

    /// <summary>Fails before the work starts (minutes) when publishing would be refused at the end.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (!overwrite && (await stores.ListPublishedAsync(Location, cancellationToken)).Count > 0)
        {
            throw new StorageException($"--publish {Location} already holds a published result; add --overwrite to replace it");
        }
    }

    public Task PublishAsync(JsonObject document, byte[] plot, CancellationToken cancellationToken) =>
        PublishAsync(
            [
                new PublishedContent(ConnectResultLayout.DocumentFileName, Encoding.UTF8.GetBytes(document.ToJsonString(Indented))),
                new PublishedContent(ConnectResultLayout.PlotFileName, plot),
            ],
            cancellationToken);

    /// <summary>The files of the folder <paramref name="folder"/> named <paramref name="names"/>, published as they are.</summary>
    public Task PublishFilesAsync(string folder, IEnumerable<string> names, CancellationToken cancellationToken) =>
        PublishAsync([.. names.Select(name => new PublishedContent(name, File.ReadAllBytes(Path.Combine(folder, name))))], cancellationToken);

    private Task PublishAsync(IReadOnlyList<PublishedContent> files, CancellationToken cancellationToken) =>
        stores.PublishFilesAsync(Location, files, overwrite, cancellationToken);
}

using FusionCluster.Core.Storage;

namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>
/// A local copy of a merge published in a store the evaluators cannot read directly (a blob prefix): its
/// manifest's files, streamed into a fresh scratch folder of this silo, deleted on dispose. The evaluators
/// load the whole model anyway, so the copy costs disk, not memory.
/// </summary>
public sealed class PublishedModelCopy : IAsyncDisposable
{
    private PublishedModelCopy(string folder) => Folder = folder;

    /// <summary>The scratch folder holding the copy.</summary>
    public string Folder { get; }

    /// <summary>A copy of the merge published at <paramref name="location"/>.</summary>
    /// <exception cref="StorageException">Nothing is published there, or a file cannot be read.</exception>
    public static async Task<PublishedModelCopy> FetchAsync(ArtifactStores stores, string location, CancellationToken cancellationToken)
    {
        var files = await stores.ListPublishedAsync(location, cancellationToken);
        if (files.Count == 0)
        {
            throw new StorageException($"'{location}': no published merge there (no {MergeManifest.FileName})");
        }

        var copy = new PublishedModelCopy(Directory.CreateTempSubdirectory("fusion-evaluation-").FullName);
        try
        {
            foreach (var file in files)
            {
                await using var source = await stores.OpenPublishedAsync(location, file.Name, cancellationToken)
                    ?? throw new StorageException($"'{location}': published file '{file.Name}' went away while it was copied");
                await using var target = new FileStream(Path.Combine(copy.Folder, StorageNames.CheckFileName(file.Name)), FileMode.CreateNew, FileAccess.Write);
                await source.CopyToAsync(target, cancellationToken);
            }

            return copy;
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

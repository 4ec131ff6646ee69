using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// Publishes small result files into a local folder the way a merge is published: each file written beside its
/// final name and renamed into place, the manifest last, so a reader sees a result only once it is whole.
/// Overwriting reads and removes by the same rule as a merge (<see cref="PreviousOutput"/>).
/// </summary>
internal static class LocalFilePublisher
{
    public static void Publish(string folder, IReadOnlyList<PublishedContent> files, bool overwrite, CancellationToken cancellationToken)
    {
        var names = PublishedNames.Check(files, folder);
        var manifestPath = Path.Combine(folder, MergeManifest.FileName);
        IReadOnlyList<string> previous = [];
        if (Directory.Exists(folder))
        {
            if (PreviousOutput.HasManifest(folder))
            {
                if (!overwrite)
                {
                    throw new StorageException($"{folder} already holds a published result; overwrite it explicitly to replace it");
                }

                // A manifest that is a link, pipe or device, or too large, is refused before anything is removed.
                previous = PreviousOutput.ReadNames(folder);
            }
            else if (Directory.EnumerateFileSystemEntries(folder).Any())
            {
                // Someone's folder, not a result of ours: nothing in it is touched.
                throw new StorageException($"{folder} is not empty and holds no published result; nothing was written there");
            }
        }

        Directory.CreateDirectory(folder);
        PreviousOutput.RefuseObstacles(folder, names);

        // The old manifest goes first: from then on readers see no result rather than a mixture.
        if (previous.Count > 0)
        {
            PreviousOutput.RemoveManifest(folder);
            PreviousOutput.RemoveListed(folder, previous.Except(names, StringComparer.Ordinal));
        }

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LocalFile.WriteWhole(Path.Combine(folder, file.Name), file.Bytes.Span);
        }

        LocalFile.WriteWhole(manifestPath, MergeManifest.Build(files.Select(f => (f.Name, (long)f.Bytes.Length))));
    }

    /// <summary>The subfolders of <paramref name="folder"/> (not links) that hold a manifest.</summary>
    public static IReadOnlyList<string> ListPublishedFolders(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateDirectories(folder)
            .Where(child => !LocalPath.IsLink(child) && new FileInfo(Path.Combine(child, MergeManifest.FileName)) is { Exists: true, LinkTarget: null })
            .Select(child => Path.GetFileName(child))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

}

namespace FusionCluster.Core.Storage;

/// <summary>Checks the names of files about to be published whole (<see cref="IArtifactStore.PublishFilesAsync"/>).</summary>
public static class PublishedNames
{
    /// <summary>The names, each a plain file name, not hidden, not the manifest, and none twice.</summary>
    /// <exception cref="StorageException">A name is refused; the message names <paramref name="location"/>.</exception>
    public static IReadOnlyList<string> Check(IReadOnlyList<PublishedContent> files, string location)
    {
        ArgumentNullException.ThrowIfNull(files);
        var names = new List<string>();
        foreach (var file in files)
        {
            StorageNames.CheckFileName(file.Name);
            if (file.Name == MergeManifest.FileName || file.Name.StartsWith('.') || names.Contains(file.Name, StringComparer.Ordinal))
            {
                throw new StorageException($"'{location}': cannot publish a file named '{file.Name}' (hidden, the manifest's name, or given twice)");
            }

            names.Add(file.Name);
        }

        return names;
    }
}

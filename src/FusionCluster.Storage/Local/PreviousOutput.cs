using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// The one rule for what replacing a local output may read and remove, shared by merges (<see cref="LocalMergeOutput"/>)
/// and small results (<see cref="LocalFilePublisher"/>): the previous fusion-manifest.json is read only as a regular
/// file of bounded size (never through a link, never a pipe or device), and only the regular files it names directly
/// in the output folder are removed; a link, pipe, folder or anything else of a listed name is left as it is.
/// </summary>
internal static class PreviousOutput
{
    /// <summary>True when the folder holds an entry named fusion-manifest.json, whatever it is (a link to nowhere included).</summary>
    public static bool HasManifest(string folder)
    {
        var path = Path.Combine(folder, MergeManifest.FileName);
        return Path.Exists(path) || LocalPath.IsLink(path);
    }

    /// <summary>The names the folder's manifest lists.</summary>
    /// <exception cref="StorageException">The manifest is a link, pipe, device or folder, larger than <see cref="MergeManifest.MaxBytes"/>, or not a manifest; the message names it.</exception>
    public static IReadOnlyList<string> ReadNames(string folder)
    {
        var path = Path.Combine(folder, MergeManifest.FileName);
        var bytes = LocalFile.ReadAllBytes(path, "previous manifest", MergeManifest.MaxBytes, length =>
            new StorageException($"previous manifest '{path}' is {length} bytes, larger than the {MergeManifest.MaxBytes} bytes of any manifest FusionCluster writes; it is not read"));
        return [.. MergeManifest.Read(bytes, path).Select(f => f.Name)];
    }

    /// <summary>
    /// Refuses, before anything is removed, a publish that could not finish: a folder (not a link to one, which is
    /// replaced as a link) where one of <paramref name="names"/> or the manifest must go. Without this check the
    /// previous manifest and files went first and the move failed midway, leaving a mixture with no manifest.
    /// </summary>
    /// <exception cref="StorageException">Names the folder in the way.</exception>
    public static void RefuseObstacles(string folder, IEnumerable<string> names)
    {
        foreach (var name in names.Append(MergeManifest.FileName))
        {
            var path = Path.Combine(folder, name);
            if (Directory.Exists(path) && !LocalPath.IsLink(path))
            {
                throw new StorageException($"'{path}' is a folder where this output publishes its file '{name}'; nothing in {folder} was replaced or removed. Move that folder away and run again");
            }
        }
    }

    /// <summary>Removes the manifest entry itself (a link only as a link): a new manifest is written in its place.</summary>
    public static void RemoveManifest(string folder)
    {
        var path = Path.Combine(folder, MergeManifest.FileName);
        if (LocalPath.IsLink(path) || File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Removes each of <paramref name="names"/> that is a regular file directly inside <paramref name="folder"/>. A name
    /// with a separator or a dot-dot (a manifest is read back, and could have been edited) removes nothing.
    /// </summary>
    public static void RemoveListed(string folder, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\\') || Path.IsPathRooted(name))
            {
                continue;
            }

            var path = Path.Combine(folder, name);
            if (LocalFile.IsRegularFile(path))
            {
                File.Delete(path);
            }
        }
    }
}

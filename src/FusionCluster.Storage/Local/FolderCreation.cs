using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// Whether a command can make the folder it will write, asked before it computes anything: a folder where this user may
/// not write (/sys, /proc, a read-only mount) otherwise failed at the end of the work with .NET's "Access to the path ...
/// is denied", naming a staging path.
/// </summary>
public static class FolderCreation
{
    /// <summary>Refuses <paramref name="location"/> (as the user named it with <paramref name="option"/>) when it cannot be made, or written in where it exists.</summary>
    /// <exception cref="StorageException">An ancestor is a file, or no folder can be created where it would be.</exception>
    public static void Check(string location, string option)
    {
        if (Directory.Exists(location))
        {
            if (Refusal(location) is { } inside)
            {
                throw new StorageException($"{option} '{location}' cannot be written: no folder can be created in it ({inside})");
            }

            return;
        }

        var ancestor = NearestExisting(location);
        if (File.Exists(ancestor))
        {
            throw new StorageException($"{option} '{location}' cannot be made: '{ancestor}' is a file, not a folder");
        }

        if (Refusal(ancestor) is { } reason)
        {
            throw new StorageException($"{option} '{location}' cannot be made: no folder can be created in '{ancestor}' ({reason})");
        }
    }

    /// <summary>The nearest ancestor of <paramref name="path"/> that exists, a folder or a file (the root at least).</summary>
    private static string NearestExisting(string path)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(path))!;
        while (!Directory.Exists(parent) && !File.Exists(parent) && Path.GetDirectoryName(parent) is { } up)
        {
            parent = up;
        }

        return parent;
    }

    /// <summary>Makes and removes a folder in <paramref name="folder"/>; why that failed, or null.</summary>
    private static string? Refusal(string folder)
    {
        var probe = Path.Combine(folder, $".fusion-probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return e is UnauthorizedAccessException ? "permission denied" : "its file system refuses new folders";
        }
    }
}

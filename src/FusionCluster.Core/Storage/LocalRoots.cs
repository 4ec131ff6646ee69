namespace FusionCluster.Core.Storage;

/// <summary>
/// The local folders a process may read and write (Fusion:Storage:LocalRoots, --data-root). Every path is
/// resolved with <see cref="LocalPath.Resolve"/> before it is compared, so a symlink cannot lead outside.
/// With no roots every folder is allowed, but files copied into an output must still be regular files
/// outside the kernel's pseudo file systems.
/// </summary>
public sealed class LocalRoots
{
    /// <summary>Kernel and device file systems: their "files" are process state, not model files.</summary>
    private static readonly string[] PseudoFileSystems = ["/proc", "/sys", "/dev", "/run"];

    public LocalRoots(IEnumerable<string> folders)
    {
        Folders = folders.Select(LocalPath.Resolve).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>No roots: every local folder is allowed.</summary>
    public static LocalRoots Anywhere { get; } = new([]);

    /// <summary>The resolved roots; empty when every folder is allowed.</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>
    /// These roots and <paramref name="folder"/>, a scratch folder the process made for itself (an emr task's
    /// model); with no roots, still no roots.
    /// </summary>
    public LocalRoots Including(string folder) => Folders.Count == 0 ? this : new LocalRoots([.. Folders, folder]);

    /// <summary>The resolved path of <paramref name="path"/>, which must lie inside a root.</summary>
    /// <exception cref="StorageException">The path, or the target of a symlink on it, lies outside every root; the message names both.</exception>
    public string Check(string path, string what)
    {
        var resolved = LocalPath.Resolve(path);
        if (Folders.Count > 0 && !Folders.Any(root => IsInside(resolved, root)))
        {
            var via = resolved == Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) ? "" : $" (through a symlink it is '{resolved}')";
            throw new StorageException($"{what} '{path}'{via} is outside the configured data roots ({string.Join(", ", Folders)})");
        }

        return resolved;
    }

    /// <summary>
    /// Checks a file that will be read and copied into an output: inside the roots once resolved, and not
    /// in /proc, /sys, /dev or /run (a symlink to /proc/self/environ would publish the process's
    /// environment). Read it with <see cref="LocalFile.OpenRegular"/>, which also refuses pipes and devices.
    /// </summary>
    public string CheckFile(string path, string what)
    {
        var resolved = Check(path, what);
        if (PseudoFileSystems.Any(pseudo => IsInside(resolved, pseudo)))
        {
            throw new StorageException($"{what} '{path}' leads to '{resolved}', a kernel or device file, which is never read");
        }

        return resolved;
    }

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}

namespace FusionCluster.Core.Storage;

/// <summary>
/// Resolves a local path the way the kernel will when it is opened: every existing component, symlinks
/// included, from the root down, with '..' taken after the link before it (not collapsed as text first).
/// A roots check on the text alone lets a link inside a root read or write anywhere.
/// </summary>
public static class LocalPath
{
    /// <summary>The most symlinks one path may pass through (Linux's own limit).</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The full, link-free path of <paramref name="path"/>. Components that do not exist (yet) are kept as
    /// written, '.' and '..' among them collapsed, so an output folder to be created resolves too; where a '..' after a
    /// missing folder climbs back to folders that exist, what it leads to is resolved again, links included.
    /// </summary>
    /// <exception cref="StorageException">The path loops through symlinks.</exception>
    public static string Resolve(string path) => Resolve(path, path, 0);

    private static string Resolve(string path, string asWritten, int links)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var pending = new Stack<string>(Components(full).Reverse());
        var current = Path.GetPathRoot(full) ?? "/";
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component is "" or ".")
            {
                continue;
            }

            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Join(current, component);
            var link = new FileInfo(next).LinkTarget;
            if (link is not null)
            {
                if (++links > MaxLinks)
                {
                    throw new StorageException($"'{asWritten}' passes through more than {MaxLinks} symlinks");
                }

                foreach (var part in Components(link).Reverse())
                {
                    pending.Push(part);
                }

                if (Path.IsPathRooted(link))
                {
                    current = Path.GetPathRoot(link) ?? "/";
                }

                continue;
            }

            if (!Path.Exists(next))
            {
                // Nothing below a missing component exists, so the rest is text (a stack enumerates in pop order), unless a
                // '..' in it climbs back out: .NET opens a path with its text collapsed first, and the kernel then follows
                // any link in what is left, so the collapsed path is resolved again.
                var rest = pending.Prepend(component).ToList();
                var collapsed = Path.GetFullPath(Path.Join([current, .. rest]));
                return rest.Contains("..") ? Resolve(collapsed, asWritten, links) : Path.TrimEndingDirectorySeparator(collapsed);
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    /// <summary>True when <paramref name="path"/> itself (its last component) is a symlink.</summary>
    public static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static string[] Components(string path) => path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
}

namespace FusionCluster.Cli.Commands;

/// <summary>A file written whole: into a new file beside it, then moved into place, so an interrupted write leaves what was there.</summary>
public static class WholeFile
{
    public static void Write(string path, ReadOnlySpan<byte> contents)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var staging = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(staging, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(contents);
            }

            File.Move(staging, path, overwrite: true);
        }
        finally
        {
            File.Delete(staging);
        }
    }
}

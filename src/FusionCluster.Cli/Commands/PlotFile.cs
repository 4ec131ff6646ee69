namespace FusionCluster.Cli.Commands;

/// <summary>
/// Where <c>fusion connect --plot</c> draws: checked before anything runs (paths take minutes), written last, once the
/// command has succeeded, and whole (a file beside it, moved into place), so a failed or interrupted run leaves any
/// file already there as it was.
/// </summary>
public sealed class PlotFile
{
    private PlotFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>
    /// The plot's file, refused when it is a folder, lies inside one of <paramref name="inputFolders"/>, is one of
    /// <paramref name="inputFiles"/>, or exists and <paramref name="overwrite"/> is not given.
    /// </summary>
    /// <exception cref="FormatException">The message names the path and what to do.</exception>
    public static PlotFile? Open(FileInfo? plot, bool overwrite, IEnumerable<string> inputFolders, IEnumerable<string> inputFiles)
    {
        if (plot is null)
        {
            return null;
        }

        var path = System.IO.Path.GetFullPath(plot.FullName);
        if (Directory.Exists(path))
        {
            throw new FormatException($"--plot {plot}: a folder; give the PNG file's name");
        }

        if (inputFolders.Select(System.IO.Path.GetFullPath).FirstOrDefault(folder => path.StartsWith(System.IO.Path.TrimEndingDirectorySeparator(folder) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)) is { } model)
        {
            throw new FormatException($"--plot {plot}: inside the model folder {model}, which this command reads; draw it elsewhere");
        }

        if (inputFiles.Any(file => System.IO.Path.GetFullPath(file) == path))
        {
            throw new FormatException($"--plot {plot}: the file this command reads its samples from; draw it elsewhere");
        }

        if (File.Exists(path) && !overwrite)
        {
            throw new FormatException($"--plot {plot} already exists; add --overwrite to replace it");
        }

        return new PlotFile(path);
    }

    public void Write(byte[] png)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        WholeFile.Write(Path, png);
    }
}

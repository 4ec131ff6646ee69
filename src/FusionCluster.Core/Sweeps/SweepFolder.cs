namespace FusionCluster.Core.Sweeps;

/// <summary>The folder a sweep file's relative paths (template, models, dataset, out) start from.</summary>
internal sealed class SweepFolder(string directory)
{
    public string Directory { get; } = directory;

    public string Resolve(string path) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Directory, path)));
}

namespace FusionCluster.Cli.Hosting;

/// <summary>
/// An output folder that a verb writes in one piece: files go to a staging folder inside it and are moved in
/// by <see cref="Publish"/>, the checkpoint's entry point last. Disposing without publishing (an error,
/// Ctrl-C, SIGTERM) removes the staging, and the output folder too if this run created it; a killed run's
/// staging is removed by the next run on that folder.
/// </summary>
public sealed class StagedFolderOutput : IDisposable
{
    public const string StagingFolderName = ".fusion-staging";

    private readonly string output;
    private readonly bool created;
    private bool published;

    public StagedFolderOutput(string outputFolder)
    {
        output = Path.GetFullPath(outputFolder);
        created = !Directory.Exists(output);
        var root = Path.Combine(output, StagingFolderName);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Staging = Path.Combine(root, "run");
        Directory.CreateDirectory(Staging);
    }

    /// <summary>True when <paramref name="folder"/> exists and holds anything but an earlier run's staging: a verb writes there only with --overwrite.</summary>
    public static bool HoldsFiles(string folder) =>
        Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(e => Path.GetFileName(e) != StagingFolderName);

    /// <summary>Where the verb writes its files.</summary>
    public string Staging { get; }

    /// <summary>Moves every staged file into the output folder, <paramref name="last"/> (when staged) after the others.</summary>
    public void Publish(string? last = null)
    {
        var files = Directory.EnumerateFiles(Staging).Select(Path.GetFileName).OfType<string>()
            .OrderBy(name => name == last)
            .ThenBy(name => name, StringComparer.Ordinal);
        foreach (var name in files)
        {
            File.Move(Path.Combine(Staging, name), Path.Combine(output, name), overwrite: true);
        }

        published = true;
        Directory.Delete(Path.GetDirectoryName(Staging)!, recursive: true);
    }

    public void Dispose()
    {
        var root = Path.GetDirectoryName(Staging)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        if (!published && created && Directory.Exists(output) && !Directory.EnumerateFileSystemEntries(output).Any())
        {
            Directory.Delete(output);
        }
    }
}

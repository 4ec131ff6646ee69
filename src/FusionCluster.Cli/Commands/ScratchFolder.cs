namespace FusionCluster.Cli.Commands;

/// <summary>A fresh folder under the system's temp folder, deleted with everything in it on dispose.</summary>
public sealed class ScratchFolder(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

using System.Text.Json;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// Where <c>fusion merge --stats-json</c> writes its figures: checked before the merge runs and written whole (a file beside
/// it, moved into place). It replaces only a stats file an earlier run wrote: any other file there (a model's weights, the
/// spec) is the user's, and a typo in the path must not destroy it.
/// </summary>
public sealed class StatsJsonFile
{
    private StatsJsonFile(string path) => Path = path;

    public string Path { get; }

    /// <exception cref="FormatException">The message names the path and why it cannot take the figures.</exception>
    public static StatsJsonFile? Open(FileInfo? file)
    {
        if (file is null)
        {
            return null;
        }

        var path = System.IO.Path.GetFullPath(file.FullName);
        if (Directory.Exists(path))
        {
            throw new FormatException($"--stats-json {file}: a folder; give the JSON file's name");
        }

        if (!Directory.Exists(System.IO.Path.GetDirectoryName(path)))
        {
            throw new FormatException($"--stats-json {file}: its folder does not exist");
        }

        if (File.Exists(path) && !IsStatsFile(path))
        {
            throw new FormatException($"--stats-json {file} exists and is not a stats file fusion wrote; it is left as it is: choose another path");
        }

        return new StatsJsonFile(path);
    }

    public void Write(object figures) => WholeFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(figures));

    /// <summary>A small JSON object with the fields this class writes: what an earlier <c>--stats-json</c> left.</summary>
    private static bool IsStatsFile(string path)
    {
        try
        {
            if (new FileInfo(path).Length > 64 * 1024)
            {
                return false;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("state", out _)
                && document.RootElement.TryGetProperty("wall_seconds", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

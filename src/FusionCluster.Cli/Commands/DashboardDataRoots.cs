namespace FusionCluster.Cli.Commands;

/// <summary>
/// The local data roots of `fusion dashboard`: every --data-root, the --models folder and a local --output.
/// A dashboard always runs with roots, because its users (viewers included) choose folders from a browser.
/// </summary>
public static class DashboardDataRoots
{
    public static IReadOnlyList<string> From(IEnumerable<string> dataRoots, string modelsFolder, string? output)
    {
        var roots = dataRoots
            .SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Append(modelsFolder);
        if (output is { Length: > 0 } && !output.Contains("://", StringComparison.Ordinal))
        {
            roots = roots.Append(output);
        }

        return roots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).Distinct(StringComparer.Ordinal).ToList();
    }
}

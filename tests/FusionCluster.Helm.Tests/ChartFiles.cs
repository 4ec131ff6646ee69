using FusionCluster.TestSupport;

namespace FusionCluster.Helm.Tests;

/// <summary>The chart's files in this checkout: helm/fusioncluster.</summary>
public static class ChartFiles
{
    public static string Directory => Path.Combine(RepositoryRoot.Find(), "helm", "fusioncluster");

    public static string ValuesPath => Path.Combine(Directory, "values.yaml");

    public static string SchemaPath => Path.Combine(Directory, "values.schema.json");

    public static string ChartPath => Path.Combine(Directory, "Chart.yaml");

    /// <summary>Every template (*.yaml, *.tpl, NOTES.txt), by file name.</summary>
    public static IReadOnlyDictionary<string, string> Templates() =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "templates"))
            .Order(StringComparer.Ordinal)
            .ToDictionary(path => Path.GetFileName(path), File.ReadAllText, StringComparer.Ordinal);
}

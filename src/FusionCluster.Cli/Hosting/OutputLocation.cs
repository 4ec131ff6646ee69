namespace FusionCluster.Cli.Hosting;

public static class OutputLocation
{
    /// <summary>A URI (az://...) as given; a folder made absolute against the current directory, not the spec's.</summary>
    public static string FromCommandLine(string value) =>
        value.Contains("://", StringComparison.Ordinal) ? value : Path.GetFullPath(value);
}

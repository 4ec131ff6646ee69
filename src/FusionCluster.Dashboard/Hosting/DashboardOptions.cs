namespace FusionCluster.Dashboard.Hosting;

/// <summary>Settings of section Fusion:Dashboard.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Fusion:Dashboard";

    /// <summary>Where relative model paths of a spec submitted from the browser start; default: the current directory.</summary>
    public string SpecDirectory { get; set; } = "";

    /// <summary>The output location the New merge page proposes (a folder or az://container/prefix).</summary>
    public string DefaultOutput { get; set; } = "";

    /// <summary>How often the cluster's silos and jobs are polled for the overview and the job list.</summary>
    public TimeSpan ClusterRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often an open job page reloads the job's status (unit events arrive at once in between).</summary>
    public TimeSpan JobRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the cluster mode keeps trying to reach a gateway at start before giving up.</summary>
    public TimeSpan ClusterConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long silos that left or died stay listed (with when and why) on the overview and its membership timeline.</summary>
    public TimeSpan DepartedSiloRetention { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Sign-in attempts allowed per client address and minute (slows password guessing); 10 by default.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// Where fusion connect --publish results are listed from: a folder (within Fusion:Storage:LocalRoots) or
    /// az://container/prefix; each result is a folder or prefix directly below it. Empty: the Connectivity page says how to set it.
    /// </summary>
    public string ConnectResults { get; set; } = "";

    /// <summary>
    /// Where fusion benchmark multitask --publish results are listed from, as <see cref="ConnectResults"/>.
    /// Empty: the Benchmarks page says how to set it.
    /// </summary>
    public string BenchmarkResults { get; set; } = "";

    public string ResolvedSpecDirectory => SpecDirectory.Length > 0 ? Path.GetFullPath(SpecDirectory) : Directory.GetCurrentDirectory();
}

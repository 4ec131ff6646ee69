using System.Text.Json.Nodes;
using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// Starts a merge job on a test cluster and polls it until it finishes (or <c>timeout</c>, two minutes by default,
/// passes); reads the report it wrote.
/// </summary>
public static class JobRuns
{
    /// <summary>The id of the job that writes <paramref name="output"/> (a path in a test's folder): one job per output.</summary>
    public static string JobId(string output) => $"job-{output.Replace('/', '-')}";

    /// <summary>
    /// Runs <paramref name="spec"/> (its paths relative to <paramref name="folder"/>) to <paramref name="output"/>, a
    /// path in <paramref name="folder"/> whose parent is made first, as the job <see cref="JobId"/>.
    /// </summary>
    public static Task<JobStatus> RunInFolderAsync(InProcessTestCluster cluster, string folder, string spec, string output, CancellationToken cancellation)
    {
        var path = Path.Combine(folder, output);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return RunAsync(cluster, JobId(output), new MergeRequest { SpecText = spec, SpecDirectory = folder, Output = path }, cancellation);
    }

    /// <summary>The fusion-report.json a job wrote to <paramref name="outputFolder"/>.</summary>
    public static JsonNode Report(string outputFolder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outputFolder, "fusion-report.json")))!;

    /// <summary>Per model of the report in <paramref name="outputFolder"/>, as "name: True|False": whether its statistics came from the cache.</summary>
    public static IEnumerable<string> CachedStatistics(string outputFolder) =>
        Report(outputFolder)["statistics"]!["models"]!.AsObject().Select(m => $"{m.Key}: {m.Value!["cached"]!.GetValue<bool>()}");

    /// <param name="whileRunning">Called on each poll while units run (to kill a silo, to time a phase).</param>
    public static async Task<JobStatus> RunAsync(
        InProcessTestCluster cluster,
        string jobId,
        MergeRequest request,
        CancellationToken cancellation,
        Func<IMergeJobGrain, JobStatus, Task>? whileRunning = null,
        TimeSpan? timeout = null)
    {
        var job = cluster.Client.GetGrain<IMergeJobGrain>(jobId);
        var status = await job.Start(request);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!status.IsFinished && DateTime.UtcNow < deadline)
        {
            if (whileRunning is not null && status.UnitsRunning > 0)
            {
                await whileRunning(job, status);
            }

            await Task.Delay(10, cancellation);
            status = await job.GetStatus();
        }

        return status;
    }
}

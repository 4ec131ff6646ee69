using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>Runs a spec through the embedded silo as <c>fusion merge</c> does.</summary>
public static class Merges
{
    public static Task<JobStatus> RunAsync(string yaml, string specDirectory, string outputDirectory, ulong seed = 0, long shardSizeBytes = 5_000_000_000, int maxParallelUnits = 0)
    {
        var request = new MergeRequest
        {
            SpecText = yaml,
            SpecDirectory = specDirectory,
            SpecName = "spec.yaml",
            Output = outputDirectory,
            Seed = seed,
            ShardSizeBytes = shardSizeBytes,
        };
        return EmbeddedMerge.RunAsync(request, new ProgressReporter(quiet: true), maxParallelUnits, TestContext.Current.CancellationToken);
    }

    /// <summary>Runs several specs as one shared-input job, as <c>fusion merge a.yaml b.yaml --out-dir</c> does.</summary>
    public static Task<JobStatus> RunSharedAsync(IReadOnlyList<CandidateSpec> candidates, ulong seed = 0, long shardSizeBytes = 5_000_000_000, bool overwrite = false)
    {
        var request = new MergeRequest
        {
            SpecText = "",
            SpecDirectory = candidates[0].SpecDirectory,
            Output = candidates[0].Output,
            Seed = seed,
            ShardSizeBytes = shardSizeBytes,
            Overwrite = overwrite,
            Candidates = candidates,
        };
        return EmbeddedMerge.RunAsync(request, new ProgressReporter(quiet: true), 0, TestContext.Current.CancellationToken);
    }

    public static void AssertSucceeded(JobStatus status)
    {
        Assert.True(status.State == JobState.Succeeded, $"merge ended {status.State}: {status.Error}");
        Assert.Equal(status.UnitsTotal, status.UnitsDone);
    }
}

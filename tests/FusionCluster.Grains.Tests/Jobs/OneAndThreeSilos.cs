using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// The topology check of a job's output: the same spec run on one silo and on three publishes the same bytes.
/// </summary>
public static class OneAndThreeSilos
{
    /// <summary>
    /// Runs <paramref name="spec"/> (paths relative to <paramref name="folder"/>) to <paramref name="oneOutput"/> on a
    /// one-silo cluster with two unit slots, then to <paramref name="threeOutput"/> on a three-silo cluster with one slot
    /// each (so that its units spread over the silos), each in a cluster of its own; asserts that both jobs succeeded and
    /// that both outputs hold the same files byte for byte, and returns those files (name → SHA-256, as
    /// <see cref="AlignedClassifiers.ModelFiles"/>).
    /// </summary>
    /// <param name="onOne">Looks at the one-silo cluster and its finished job before the cluster stops (or runs more there).</param>
    /// <param name="onThree">Looks at the three-silo cluster and its finished job (where its units ran) before the cluster stops.</param>
    public static async Task<Dictionary<string, string>> AssertSameBytesAsync(
        string folder,
        string spec,
        string oneOutput,
        string threeOutput,
        CancellationToken cancellation,
        Func<InProcessTestCluster, JobStatus, Task>? onOne = null,
        Func<InProcessTestCluster, JobStatus, Task>? onThree = null)
    {
        await RunAsync(silos: 1, unitSlots: 2, folder, spec, oneOutput, onOne, cancellation);
        await RunAsync(silos: 3, unitSlots: 1, folder, spec, threeOutput, onThree, cancellation);
        var files = AlignedClassifiers.ModelFiles(Path.Combine(folder, oneOutput));
        Assert.Equal(files, AlignedClassifiers.ModelFiles(Path.Combine(folder, threeOutput)));
        return files;
    }

    private static async Task RunAsync(
        short silos, int unitSlots, string folder, string spec, string output, Func<InProcessTestCluster, JobStatus, Task>? inspect, CancellationToken cancellation)
    {
        await using var cluster = await WorkerCluster.StartAsync(unitSlots, silos);
        var status = await JobRuns.RunInFolderAsync(cluster, folder, spec, output, cancellation);
        Assert.True(status.State == JobState.Succeeded, $"on {silos} silo(s) the job ended {status.State} after {status.ElapsedSeconds:F0} s: {status.Error}");
        if (inspect is not null)
        {
            await inspect(cluster, status);
        }
    }
}

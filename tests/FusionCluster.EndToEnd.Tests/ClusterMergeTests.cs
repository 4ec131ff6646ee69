using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using FusionCluster.Cli.Commands;
using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;
using FusionCluster.Client;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;

namespace FusionCluster.EndToEnd.Tests;

/// <summary>
/// The whole system as a user runs it: deploy/local/cluster starts redis-server, Azurite and three
/// fusion-silo processes; `fusion submit` sends a ~200 MB merge with its output in Azurite; a silo that
/// holds units is SIGKILLed mid-job. The job must complete, and every published blob must equal the
/// file an undisturbed embedded run writes.
/// </summary>
public sealed class ClusterMergeTests : IDisposable
{
    private static readonly Dictionary<string, string> FastFailureDetection = new()
    {
        ["FUSION_SILO_ARGS"] = "--Fusion:Silo:Membership:ProbeTimeout 00:00:01 --Fusion:Silo:Membership:NumMissedProbesLimit 2 --Fusion:Silo:Membership:NumVotesForDeathDeclaration 1",
        ["Fusion__Jobs__LeaseDuration"] = "00:00:08",
        ["Fusion__Jobs__HeartbeatInterval"] = "00:00:01",
    };

    private readonly string root = Directory.CreateTempSubdirectory("fusion-e2e-").FullName;

    [Fact]
    public async Task A_silo_killed_mid_job_on_a_real_local_cluster_changes_no_output_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = await EmbeddedReferenceAsync("ties.yaml", cancellation);

        await using var cluster = new LocalClusterScript(FastFailureDetection);
        await cluster.UpAsync(silos: 3, cancellation, root);
        var jobId = (await FusionAsync(cancellation, "submit", spec, "--out", "az://merges/e2e", "--cluster", cluster.Redis, "--max-units", "3")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

        await using var connection = await ClusterConnection.ConnectAsync(cluster.Redis, FusionClusterIdentity.DefaultClusterId, cancellation);
        var job = connection.Client.GetGrain<IMergeJobGrain>(jobId);
        var status = await job.GetStatus();
        Assert.True(status.SubmittedAt != default, $"the cluster has no job '{jobId}' (what fusion submit printed)");
        string? victim = null;
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (!status.IsFinished && DateTime.UtcNow < deadline)
        {
            if (victim is null && status.UnitsDone >= 1)
            {
                victim = (await job.GetUnits()).FirstOrDefault(u => u.State == UnitState.Running)?.Silo;
                if (victim is not null)
                {
                    await cluster.KillSiloAsync(int.Parse(victim["silo-".Length..], CultureInfo.InvariantCulture), cancellation);
                }
            }

            await Task.Delay(200, cancellation);
            status = await GetStatusEventuallyAsync(job, cancellation);
        }

        Assert.True(victim is not null, $"no silo was running a unit to kill before the job ended ({status.State})");
        Assert.True(status.State == JobState.Succeeded, $"job ended {status.State}: {status.Error}");
        Assert.True(status.Retries > 0, $"{victim} was killed while running a unit, so some unit must have run again");

        await AssertSameAsEmbeddedAsync(cluster, "e2e/", cancellation);
    }

    [Fact]
    public async Task A_job_resumes_after_the_whole_cluster_restarts()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = await EmbeddedReferenceAsync("linear.yaml", cancellation);

        await using var cluster = new LocalClusterScript(FastFailureDetection);
        await cluster.UpAsync(silos: 2, cancellation, root);
        var jobId = (await FusionAsync(cancellation, "submit", spec, "--out", "az://merges/restart", "--cluster", cluster.Redis, "--max-units", "1")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        JobStatus status;
        await using (var connection = await ClusterConnection.ConnectAsync(cluster.Redis, FusionClusterIdentity.DefaultClusterId, cancellation))
        {
            var job = connection.Client.GetGrain<IMergeJobGrain>(jobId);
            do
            {
                await Task.Delay(100, cancellation);
                status = await job.GetStatus();
            }
            while (status.UnitsDone < 2 && !status.IsFinished);
        }

        Assert.True(status.State == JobState.Running, $"the job must still be running when the cluster goes down, but is {status.State}");
        var doneBeforeRestart = status.UnitsDone;
        await cluster.RunAsync(cancellation, "down");
        await cluster.UpAsync(silos: 2, cancellation, root);

        await using (var connection = await ClusterConnection.ConnectAsync(cluster.Redis, FusionClusterIdentity.DefaultClusterId, cancellation))
        {
            var job = connection.Client.GetGrain<IMergeJobGrain>(jobId);
            status = await job.GetStatus();
            Assert.True(status.UnitsDone >= doneBeforeRestart, $"the restarted job forgot finished units: {status.UnitsDone} < {doneBeforeRestart}");
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!status.IsFinished && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellation);
                status = await job.GetStatus();
            }
        }

        Assert.True(status.State == JobState.Succeeded, $"job ended {status.State}: {status.Error}");
        await AssertSameAsEmbeddedAsync(cluster, "restart/", cancellation);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Synthesizes the models and runs <paramref name="specName"/> on an embedded silo into root/embedded.</summary>
    private async Task<string> EmbeddedReferenceAsync(string specName, CancellationToken cancellation)
    {
        Assert.Equal(0, SynthCommand.Run(root, 70_000_000, DType.BF16, fineTunes: 2, seed: 7, shardBytes: 2_000_000_000, overwrite: false, TestContext.Current.CancellationToken));
        var spec = Path.Combine(root, specName);
        var embedded = await EmbeddedMerge.RunAsync(
            new MergeRequest { SpecText = await File.ReadAllTextAsync(spec, cancellation), SpecDirectory = root, Output = Path.Combine(root, "embedded") },
            new ProgressReporter(quiet: true),
            unitSlots: 0,
            cancellation);
        Assert.True(embedded.State == JobState.Succeeded, embedded.Error);
        return spec;
    }

    private async Task AssertSameAsEmbeddedAsync(LocalClusterScript cluster, string prefix, CancellationToken cancellation)
    {
        var published = await DownloadAsync(cluster.BlobConnection, "merges", prefix, cancellation);
        var expected = Directory.EnumerateFiles(Path.Combine(root, "embedded")).ToDictionary(f => Path.GetFileName(f), f => Hash(File.ReadAllBytes(f)));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), published.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, hash) in expected.Where(e => e.Key is not (MergeArtifacts.ReportFileName or MergeManifest.FileName)))
        {
            Assert.True(hash == published[name], $"{name}: the cluster's blob differs from the embedded run's file");
        }
    }

    /// <summary>While the job's own silo is being declared dead, calls to it fail for a few seconds.</summary>
    private static async Task<JobStatus> GetStatusEventuallyAsync(IMergeJobGrain job, CancellationToken cancellation)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await job.GetStatus();
            }
            catch (Exception) when (attempt < 60)
            {
                await Task.Delay(500, cancellation);
            }
        }
    }

    private static async Task<string> FusionAsync(CancellationToken cancellation, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fusion.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        Assert.True(process.ExitCode == 0, $"fusion {string.Join(' ', arguments)} exited {process.ExitCode}: {await errors}");
        return await output;
    }

    private static async Task<Dictionary<string, string>> DownloadAsync(string connection, string container, string prefix, CancellationToken cancellation)
    {
        var client = new BlobContainerClient(connection, container);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in client.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }, cancellation))
        {
            var content = await client.GetBlobClient(blob.Name).DownloadContentAsync(cancellation);
            files[blob.Name[prefix.Length..]] = Hash(content.Value.Content.ToArray());
        }

        return files;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}

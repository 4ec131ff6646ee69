using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http;
using Azure.Storage.Blobs;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FusionCluster.Silo.Tests.Health;

/// <summary>
/// A real fusion-silo whose blob storage hangs: its inputs are az:// blobs behind a proxy that answers the
/// checkpoints' header reads and then leaves the tensor reads unanswered. No test hook in the silo: the unit
/// really waits in its read, as it would on a storage account that stopped answering.
/// </summary>
public sealed class StalledUnitHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Live_fails_naming_the_job_while_its_unit_waits_on_a_hung_storage_read_and_recovers_when_the_storage_answers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        await using var azurite = await AzuriteProcess.StartAsync(inMemory: true, cancellationToken: cancellationToken);
        var models = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await models.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var a = HandMadeSafetensors.OneTensor("w", 1, 2, 3, 4);
        var b = HandMadeSafetensors.OneTensor("w", 3, 6, 9, 12);
        await models.UploadBlobAsync("a/model.safetensors", BinaryData.FromBytes(a), cancellationToken);
        await models.UploadBlobAsync("b/model.safetensors", BinaryData.FromBytes(b), cancellationToken);

        // Both files have the same header, so their tensor data starts at the same byte: 8 + the header's length.
        var dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(a);
        await using var proxy = RangeHoldingProxy.Start(azurite.Port, holdFrom: dataStart);
        var healthPort = FreePort.Next();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var live = new Uri($"http://127.0.0.1:{healthPort.ToString(CultureInfo.InvariantCulture)}/healthz/live");
        var ready = new Uri($"http://127.0.0.1:{healthPort.ToString(CultureInfo.InvariantCulture)}/healthz/ready");
        await using var silo = await FusionSiloProcess.StartAsync(
            redis.ConnectionString,
            "stall-a",
            [
                "--device", "cpu",
                "--unit-slots", "1",
                "--data-root", folder.Path,
                "--blob-connection", AzuriteProcess.ConnectionStringFor(proxy.Port),
                "--health-port", healthPort.ToString(CultureInfo.InvariantCulture),
                "--Fusion:Silo:Health:HeartbeatInterval", "00:00:00.5",
                "--Fusion:Silo:Health:UnitStallTimeout", "00:00:03",
            ],
            cancellationToken: cancellationToken);
        await EventuallyAsync(http, ready, HttpStatusCode.OK, cancellationToken);
        await EventuallyAsync(http, live, HttpStatusCode.OK, cancellationToken);

        using var client = await SiloClient.StartAsync(redis.ConnectionString, cancellationToken);
        var jobId = JobIds.New();
        var job = client.Services.GetRequiredService<IClusterClient>().GetGrain<IMergeJobGrain>(jobId);
        var output = Path.Combine(folder.Path, "merged");
        await job.Start(new MergeRequest
        {
            SpecText = """
                merge_method: linear
                models:
                  - model: az://models/a
                    parameters: {weight: 0.5}
                  - model: az://models/b
                    parameters: {weight: 0.5}
                dtype: float32
                """,
            SpecDirectory = folder.Path,
            Output = output,
        });

        // The job planned from the headers, and its unit now waits in its first tensor read.
        await proxy.FirstHeld.WaitAsync(Patience, cancellationToken);
        var stalled = await EventuallyAsync(http, live, HttpStatusCode.ServiceUnavailable, cancellationToken);
        Assert.Contains($"job {jobId} unit 0", stalled, StringComparison.Ordinal);
        Assert.Contains("made no progress", stalled, StringComparison.Ordinal);
        // Readiness is membership and Redis only: a silo with a stuck unit still takes other work.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, ready, cancellationToken)).Status);
        Assert.Equal(JobState.Running, (await job.GetStatus()).State);

        proxy.Release();

        await EventuallyAsync(http, live, HttpStatusCode.OK, cancellationToken);
        var status = await EventuallyFinishedAsync(job, cancellationToken);
        Assert.True(status.State == JobState.Succeeded, status.Error);
        // Equal weights, so each output element is the mean of the inputs': (1+3)/2, (2+6)/2, (3+9)/2, (4+12)/2.
        var merged = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(output, "*.safetensors")), cancellationToken);
        var values = Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(merged.AsSpan(merged.Length - 16 + (4 * i)))).ToArray();
        Assert.Equal([2f, 4f, 6f, 8f], values);

        await client.StopAsync(cancellationToken);
        Assert.Equal(0, await silo.StopAsync(Patience, cancellationToken));
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Polls until the endpoint answers <paramref name="expected"/>; returns that answer's body.</summary>
    private static async Task<string> EventuallyAsync(HttpClient http, Uri uri, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        (HttpStatusCode Status, string Body) last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(http, uri, cancellationToken);
            if (last.Status == expected)
            {
                return last.Body;
            }

            await Task.Delay(200, cancellationToken);
        }

        Assert.Fail($"{uri}: expected {expected} within {Patience.TotalSeconds} s; last answer {last.Status}: {last.Body}");
        return "";
    }

    private static async Task<JobStatus> EventuallyFinishedAsync(IMergeJobGrain job, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        var status = await job.GetStatus();
        while (!status.IsFinished && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken);
            status = await job.GetStatus();
        }

        return status;
    }
}

using Azure.Storage.Blobs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A shared-input job whose inputs and outputs are blob prefixes in a real Azurite, on a two-silo cluster:
/// each candidate publishes the blobs its spec publishes merged alone, and a failing candidate leaves no blob.
/// </summary>
public sealed class SharedInputBlobJobTests : IDisposable
{
    private const string Models = "models";
    private const string Merges = "merges";

    private readonly string root = Directory.CreateTempSubdirectory("fusion-shared-blob-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Candidates_on_blob_prefixes_publish_the_bytes_they_publish_alone_and_a_failing_one_publishes_nothing()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var azurite = await AzuriteProcess.StartAsync(inMemory: true, cancellationToken: cancellation);
        var service = azurite.CreateServiceClient();
        var models = service.GetBlobContainerClient(Models);
        await models.CreateIfNotExistsAsync(cancellationToken: cancellation);
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 128, Layers: 3, Vocab: 256, Heads: 2);
        foreach (var (name, variant) in new[] { ("base", 0), ("ft-1", 1), ("ft-2", 2) })
        {
            var folder = Path.Combine(root, name);
            SyntheticCheckpoint.Write(folder, shape, DType.BF16, baseSeed: 11, variant: variant, cancellationToken: TestContext.Current.CancellationToken);
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                await models.UploadBlobAsync($"{name}/{Path.GetFileName(file)}", BinaryData.FromBytes(await File.ReadAllBytesAsync(file, cancellation)), cancellation);
            }
        }

        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 2, services: s => s.AddFusionStorage(azurite));
        var specs = new Dictionary<string, string>
        {
            ["task-arithmetic"] = Gta("task_arithmetic", "weight: 0.7"),
            ["ties"] = Gta("ties", "weight: 0.6, density: 0.5"),
        };

        foreach (var (name, spec) in specs)
        {
            var alone = await JobRuns.RunAsync(cluster, $"alone-{name}", new MergeRequest { SpecText = spec, SpecDirectory = root, Output = $"az://{Merges}/alone/{name}", Seed = 5 }, cancellation);
            Assert.True(alone.State == JobState.Succeeded, alone.Error);
        }

        var candidates = specs.Select(s => new CandidateSpec(s.Key, s.Value, root, $"az://{Merges}/shared/{s.Key}")).ToList();
        candidates.Add(new CandidateSpec("bad-density", Gta("ties", "weight: 0.6, density: 1.5"), root, $"az://{Merges}/shared/bad-density"));
        var shared = await JobRuns.RunAsync(cluster, "shared", new MergeRequest { SpecText = "", SpecDirectory = root, Output = $"az://{Merges}/shared", Seed = 5, Candidates = candidates }, cancellation);

        Assert.True(shared.State == JobState.Succeeded, shared.Error);
        var byName = shared.Candidates.ToDictionary(c => c.Name);
        var merges = service.GetBlobContainerClient(Merges);
        foreach (var name in specs.Keys)
        {
            Assert.True(byName[name].State == JobState.Succeeded, byName[name].Error);
            var expected = await ModelBlobsAsync(merges, $"alone/{name}/", cancellation);
            Assert.Contains("model.safetensors", expected.Keys);
            Assert.Equal(expected, await ModelBlobsAsync(merges, $"shared/{name}/", cancellation));
        }

        Assert.Equal(JobState.Failed, byName["bad-density"].State);
        Assert.Contains("density", byName["bad-density"].Error, StringComparison.Ordinal);
        Assert.Empty(await ModelBlobsAsync(merges, "shared/bad-density/", cancellation));
    }

    private static string Gta(string method, string parameters) => $$"""
        merge_method: {{method}}
        base_model: az://{{Models}}/base
        models:
          - model: az://{{Models}}/ft-1
            parameters: {{{parameters}}}
          - model: az://{{Models}}/ft-2
            parameters: {{{parameters}}}
        dtype: bfloat16
        """;

    /// <summary>Every committed blob under a prefix but the report and manifest (they record timings), by name relative to it, as hex.</summary>
    private static async Task<Dictionary<string, string>> ModelBlobsAsync(BlobContainerClient container, string prefix, CancellationToken cancellation)
    {
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var item in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }, cancellation))
        {
            var name = item.Name[prefix.Length..];
            if (name is "fusion-report.json" or MergeManifest.FileName)
            {
                continue;
            }

            var content = await container.GetBlobClient(item.Name).DownloadContentAsync(cancellation);
            blobs[name] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content.Value.Content.ToArray()));
        }

        return blobs;
    }
}

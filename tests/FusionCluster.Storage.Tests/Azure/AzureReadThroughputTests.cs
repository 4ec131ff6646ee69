using System.Diagnostics;
using System.Globalization;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>
/// Measures (asserts no timing) how fast a checkpoint's tensors come out of Azurite through the store's
/// parallel ranged reads, against ranged reads one at a time and a plain sequential download of the same
/// blobs. The size is FUSION_AZURE_BENCH_BYTES (default 200 MB). Figures go to the test output.
/// </summary>
[Trait("Category", "Measurement")]
public sealed class AzureReadThroughputTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Tensor_reads_from_azurite_parallel_ranges_vs_sequential_download()
    {
        var bytes = long.TryParse(Environment.GetEnvironmentVariable("FUSION_AZURE_BENCH_BYTES"), NumberStyles.None, CultureInfo.InvariantCulture, out var configured) ? configured : 200_000_000;
        var folder = temp.Folder("bench");
        SyntheticCheckpoint.Write(folder, SyntheticModelShape.ForSize(bytes, 2), DType.BF16, baseSeed: 1, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        var container = await azurite.NewContainerAsync("bench");
        var weightFiles = Directory.EnumerateFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            await using var stream = File.OpenRead(file);
            await container.GetBlobClient("m/" + Path.GetFileName(file)).UploadAsync(stream, new BlobUploadOptions
            {
                TransferOptions = new StorageTransferOptions { InitialTransferSize = 8 << 20, MaximumTransferSize = 8 << 20, MaximumConcurrency = 8 },
            }, Token);
        }

        var location = $"az://{container.Name}/m";
        var parallel = await azurite.StoreAsync();
        var oneAtATime = await azurite.StoreAsync(new AzureBlobStoreOptions { ReadConcurrency = 1 });
        var largeRanges = await azurite.StoreAsync(new AzureBlobStoreOptions { ReadRangeBytes = 32 << 20, ReadConcurrency = 4 });
        using var local = CheckpointFolder.Open(folder);
        var tensorBytes = local.TensorNames.Sum(n => local.GetEntry(n).ByteLength);
        var fileBytes = weightFiles.Sum(f => new FileInfo(f).Length);

        async Task<double> ReadTensorsAsync(AzureBlobStore store)
        {
            using var checkpoint = await store.OpenCheckpointAsync(location, Token);
            var watch = Stopwatch.StartNew();
            long read = 0;
            foreach (var name in checkpoint.TensorNames)
            {
                using var tensor = await checkpoint.OpenTensorAsync(name, Token);
                read += tensor.Entry.ByteLength;
            }

            Assert.Equal(tensorBytes, read);
            return watch.Elapsed.TotalSeconds;
        }

        async Task<double> DownloadSequentiallyAsync()
        {
            var buffer = new byte[1 << 20];
            var watch = Stopwatch.StartNew();
            long read = 0;
            foreach (var file in weightFiles)
            {
                using var download = (await container.GetBlobClient("m/" + Path.GetFileName(file)).DownloadStreamingAsync(cancellationToken: Token)).Value;
                int n;
                while ((n = await download.Content.ReadAsync(buffer, Token)) > 0)
                {
                    read += n;
                }
            }

            Assert.Equal(fileBytes, read);
            return watch.Elapsed.TotalSeconds;
        }

        var runs = new (string Name, Func<Task<double>> Run)[]
        {
            ("parallel ranged (8 MiB x 8)", () => ReadTensorsAsync(parallel)),
            ("parallel ranged (32 MiB x 4)", () => ReadTensorsAsync(largeRanges)),
            ("ranged 8 MiB, one at a time", () => ReadTensorsAsync(oneAtATime)),
            ("sequential whole-blob download", DownloadSequentiallyAsync),
        };
        var best = runs.ToDictionary(r => r.Name, _ => double.MaxValue);
        for (var round = 0; round < 3; round++)
        {
            foreach (var (name, run) in runs)
            {
                best[name] = Math.Min(best[name], await run());
            }
        }

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"checkpoint: {fileBytes / 1e6:F1} MB in {weightFiles.Count} blob(s), {local.TensorNames.Count} tensors, {tensorBytes / 1e6:F1} MB of tensor data; best of 3 on Azurite (disk-backed):");
        foreach (var (method, seconds) in best)
        {
            var moved = method.StartsWith("sequential", StringComparison.Ordinal) ? fileBytes : tensorBytes;
            output?.WriteLine($"  {method,-32} {seconds,7:F2} s  {moved / 1e6 / seconds,7:F0} MB/s");
        }
    }
}

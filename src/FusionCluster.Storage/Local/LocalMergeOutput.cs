using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// A merge written to a local folder: shards are staged under &lt;out&gt;/.fusion-staging/&lt;job&gt;, pre-sized
/// with their headers, filled in place by units, and moved into &lt;out&gt; only when every unit succeeded.
/// The weights' entry point (index, or the single shard) moves after the other files and the manifest
/// comes last, so a reader never sees a partial result.
/// </summary>
public sealed class LocalMergeOutput : IMergeOutput
{
    private const string StagingFolder = ".fusion-staging";

    private readonly string staging;

    public LocalMergeOutput(string outputDirectory, string jobId)
    {
        StorageNames.CheckJobId(jobId);
        Location = outputDirectory;
        staging = Path.Combine(outputDirectory, StagingFolder, jobId);
    }

    public string Location { get; }

    public Task CheckAsync(bool overwrite, CancellationToken cancellationToken)
    {
        if (!overwrite && Directory.Exists(Location)
            && (Directory.EnumerateFiles(Location, "*.safetensors*").Any() || File.Exists(Path.Combine(Location, MergeManifest.FileName))))
        {
            throw new StorageException($"{Location} already holds a model; choose another --out or pass --overwrite");
        }

        return Task.CompletedTask;
    }

    public Task PrepareAsync(MergePlan plan, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(staging);
        foreach (var shard in plan.Shards)
        {
            SafetensorsWriter.CreatePresized(Path.Combine(staging, shard.FileName), shard.Header, shard.FileLength);
        }

        return Task.CompletedTask;
    }

    public TensorWriter OpenTensor(string shardFileName, TensorPlan tensor) =>
        new LocalTensorWriter(Path.Combine(staging, StorageNames.CheckFileName(shardFileName)), tensor);

    public async Task PublishAsync(MergePlan plan, IReadOnlyList<PublishedFile> files, CancellationToken cancellationToken)
    {
        foreach (var shard in plan.Shards)
        {
            using var handle = File.OpenHandle(Path.Combine(staging, shard.FileName), FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }

        foreach (var file in files)
        {
            await File.WriteAllBytesAsync(Path.Combine(staging, StorageNames.CheckFileName(file.Name)), file.Content, cancellationToken);
        }

        var entryPoint = plan.IndexJson is null ? plan.Shards[0].FileName : CheckpointFolder.IndexFileName;
        if (plan.IndexJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(staging, CheckpointFolder.IndexFileName), plan.IndexJson, cancellationToken);
        }

        Directory.CreateDirectory(Location);
        File.Delete(Path.Combine(Location, MergeManifest.FileName));
        foreach (var stale in Directory.EnumerateFiles(Location, "model*.safetensors*"))
        {
            File.Delete(stale);
        }

        var published = Directory.EnumerateFiles(staging).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var manifest = MergeManifest.Build(published.Select(name => (name, new FileInfo(Path.Combine(staging, name)).Length)));
        foreach (var name in published.Where(n => n != entryPoint))
        {
            File.Move(Path.Combine(staging, name), Path.Combine(Location, name), overwrite: true);
        }

        File.Move(Path.Combine(staging, entryPoint), Path.Combine(Location, entryPoint), overwrite: true);
        await File.WriteAllBytesAsync(Path.Combine(Location, MergeManifest.FileName), manifest, cancellationToken);
        await DiscardAsync(cancellationToken);
    }

    public Task DiscardAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        var root = Path.GetDirectoryName(staging);
        if (root is not null && Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
        {
            Directory.Delete(root);
        }

        return Task.CompletedTask;
    }
}

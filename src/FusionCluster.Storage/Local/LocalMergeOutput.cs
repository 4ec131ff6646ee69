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
/// <remarks>
/// The folder must be empty, or (with overwrite) hold a previous output or files the user agreed to merge
/// beside. Overwriting removes exactly the files the previous manifest lists; anything else there (a
/// user's notes, a symlink) is left alone, never listed as an artifact and never served.
/// </remarks>
public sealed class LocalMergeOutput : IMergeOutput
{
    public const string StagingFolder = ".fusion-staging";

    /// <summary>Under a job's staging: intermediate files (statistics), never published since publishing moves top-level files only.</summary>
    public const string IntermediateFolder = "intermediate";

    /// <summary>In the staging root while a job's staging exists: this job made the output folder, so a failed run removes it.</summary>
    public const string CreatedMarkerSuffix = ".created-output";

    private readonly string stagingRoot;
    private readonly string staging;
    private readonly string jobId;
    private readonly StagingJournal? journal;

    /// <param name="journal">Where an embedded silo notes the staging it makes, for the next process to remove if this one is killed.</param>
    public LocalMergeOutput(string outputDirectory, string jobId, StagingJournal? journal = null)
    {
        this.journal = journal;
        this.jobId = StorageNames.CheckJobId(jobId);
        Location = outputDirectory;
        stagingRoot = Path.Combine(outputDirectory, StagingFolder);
        staging = Path.Combine(stagingRoot, jobId);
    }

    public string Location { get; }

    private string CreatedMarker => Path.Combine(stagingRoot, jobId + CreatedMarkerSuffix);

    public Task CheckAsync(bool overwrite, CancellationToken cancellationToken)
    {
        if (File.Exists(Location) || LocalPath.IsLink(Location))
        {
            throw new StorageException($"--out '{Location}' is a file, not a folder; name a new or empty folder");
        }

        if (!Directory.Exists(Location))
        {
            // The folder is made when the job starts and published at its end: an ancestor that is a file, or a folder this
            // user cannot write in, failed there, naming a staging path.
            FolderCreation.Check(Location, "--out");
            return Task.CompletedTask;
        }

        RemoveLeftoverStaging();
        var present = Directory.EnumerateFileSystemEntries(Location)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != StagingFolder)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (overwrite || present.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (present.Contains(MergeManifest.FileName))
        {
            throw new StorageException($"{Location} already holds a model (a FusionCluster output); choose another output (--out, or the spec's name under --out-dir) or pass --overwrite");
        }

        var shown = string.Join(", ", present.Take(5)) + (present.Count > 5 ? $" and {present.Count - 5} more" : "");
        throw new StorageException($"{Location} is not empty ({shown}) and holds no FusionCluster output; choose a new or empty --out, or pass --overwrite to publish beside those files (files of the same names are replaced)");
    }

    public Task PrepareAsync(MergePlan plan, bool reserveSpace, CancellationToken cancellationToken)
    {
        var created = !Directory.Exists(Location);
        RefuseLinkedStaging();
        Directory.CreateDirectory(staging);
        journal?.Record(staging);
        if (created)
        {
            File.WriteAllBytes(CreatedMarker, []);
        }

        foreach (var shard in plan.Shards)
        {
            SafetensorsWriter.CreatePresized(Path.Combine(staging, shard.FileName), shard.Header, shard.FileLength, reserveSpace);
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

        var published = Directory.EnumerateFiles(staging).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var manifest = MergeManifest.Build(published.Select(name => (name, new FileInfo(Path.Combine(staging, name)).Length)));
        Directory.CreateDirectory(Location);
        PreviousOutput.RefuseObstacles(Location, published);
        RemovePreviousOutput(published);
        foreach (var name in published.Where(n => n != entryPoint))
        {
            File.Move(Path.Combine(staging, name), Path.Combine(Location, name), overwrite: true);
        }

        File.Move(Path.Combine(staging, entryPoint), Path.Combine(Location, entryPoint), overwrite: true);
        await File.WriteAllBytesAsync(Path.Combine(Location, MergeManifest.FileName), manifest, cancellationToken);
        if (File.Exists(CreatedMarker))
        {
            File.Delete(CreatedMarker);
        }

        await DiscardAsync(cancellationToken);
    }

    public async Task WriteIntermediateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        RefuseLinkedStaging();
        var folder = Path.Combine(staging, IntermediateFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, StorageNames.CheckFileName(name));
        // Written aside then moved: a silo killed mid-write leaves no half file for a later unit to read.
        var partial = $"{path}.{Guid.NewGuid():n}.partial";
        await File.WriteAllBytesAsync(partial, content, cancellationToken);
        File.Move(partial, path, overwrite: true);
    }

    public async Task<byte[]> ReadIntermediateAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(staging, IntermediateFolder, StorageNames.CheckFileName(name));
        return File.Exists(path) && !LocalPath.IsLink(path)
            ? await File.ReadAllBytesAsync(path, cancellationToken)
            : throw new StorageException($"'{Location}': job {jobId} staged no intermediate file '{name}'");
    }

    public Task DiscardAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(staging) && !LocalPath.IsLink(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        var createdHere = File.Exists(CreatedMarker);
        if (createdHere)
        {
            File.Delete(CreatedMarker);
        }

        if (Directory.Exists(stagingRoot) && !LocalPath.IsLink(stagingRoot) && !Directory.EnumerateFileSystemEntries(stagingRoot).Any())
        {
            Directory.Delete(stagingRoot);
        }

        // A run that made the output folder and published nothing leaves no trace of it.
        if (createdHere && Directory.Exists(Location) && !Directory.EnumerateFileSystemEntries(Location).Any())
        {
            Directory.Delete(Location);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The previous output goes as a whole before the new one moves in: its manifest first (so no reader
    /// takes the folder for a complete result meanwhile), then every file it lists that the new output
    /// does not replace, by <see cref="PreviousOutput"/>'s rule: only regular files directly in the folder are removed;
    /// a name the user has since made a link is left. A manifest that is not one we wrote (a link, pipe, an
    /// unreadable or oversized file) names nothing to delete; its entry is removed (a link as a link) so the new
    /// manifest is not written through it.
    /// </summary>
    private void RemovePreviousOutput(IReadOnlyList<string> published)
    {
        if (!PreviousOutput.HasManifest(Location))
        {
            return;
        }

        IReadOnlyList<string> previous;
        try
        {
            previous = PreviousOutput.ReadNames(Location);
        }
        catch (StorageException)
        {
            previous = [];
        }

        PreviousOutput.RemoveManifest(Location);
        PreviousOutput.RemoveListed(Location, previous.Where(name => !published.Contains(name, StringComparer.Ordinal)));
    }

    /// <summary>
    /// Staging of other jobs is what a killed process left (a job's staging is removed when it publishes,
    /// fails or is cancelled); it is removed before this job stages. Two jobs writing one output at the
    /// same time are not supported: the second removes the first's staging, and the first fails.
    /// </summary>
    private void RemoveLeftoverStaging()
    {
        RefuseLinkedStaging();
        if (!Directory.Exists(stagingRoot))
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(stagingRoot))
        {
            if (Path.GetFileName(entry) == jobId || entry == CreatedMarker)
            {
                continue;
            }

            if (Directory.Exists(entry) && !LocalPath.IsLink(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        if (!Directory.EnumerateFileSystemEntries(stagingRoot).Any())
        {
            Directory.Delete(stagingRoot);
        }
    }

    /// <summary>A staging folder that is a link would put shards wherever it points: it is removed (the link only).</summary>
    private void RefuseLinkedStaging()
    {
        if (LocalPath.IsLink(stagingRoot))
        {
            File.Delete(stagingRoot);
        }
    }
}

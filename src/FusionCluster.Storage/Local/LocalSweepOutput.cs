using System.Text;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// A sweep's output in a local folder (<see cref="SweepOutputLayout"/>). Run records are written by rename and
/// best/ is swapped in with two renames, so readers see whole files and a whole best.
/// </summary>
/// <param name="root">The sweep's output folder, already resolved and checked against the data roots.</param>
public sealed class LocalSweepOutput(string root) : ISweepOutput
{
    public string Root { get; } = root;

    public string BestLocation => Path.Combine(Root, SweepOutputLayout.BestFolder);

    public string? EvaluationCacheFolder => Path.Combine(Root, SweepOutputLayout.EvaluationsFolder);

    public string? BaselineFolder(string rule) => Path.Combine(Root, SweepOutputLayout.BaselinesFolder, $"ensemble-{rule}");

    public string MergeLocation(string key) => Path.Combine(Root, SweepOutputLayout.MergesFolder, SweepOutputLayout.CheckKey(key));

    public string ConnectLocation(int run, int point) => Path.Combine(Root, SweepOutputLayout.ConnectFolder, SweepOutputLayout.ConnectResultName(run, point));

    public Task ClaimAsync(string sweep, string name, CancellationToken cancellationToken)
    {
        if (File.Exists(Root))
        {
            throw new StorageException($"out: {Root} is a file; a sweep's output is a folder (new or empty, or one of this sweep's)");
        }

        var ownerPath = Path.Combine(Root, SweepOutputLayout.OwnerFileName);
        var owner = ReadOwner();
        var names = Directory.Exists(Root) ? Directory.EnumerateFileSystemEntries(Root).Select(e => Path.GetFileName(e)).ToList() : [];
        var bestIsPromoted = !Directory.Exists(BestLocation) || File.Exists(Path.Combine(BestLocation, SweepOutputLayout.BestInfoFileName));
        if (SweepOutputLayout.ClaimRefusal(Root, sweep, owner, names, bestIsPromoted) is { } refusal)
        {
            throw new StorageException(refusal);
        }

        if (owner is null || SweepOutputLayout.NamesNoName(owner))
        {
            FolderCreation.Check(Root, "out");
            Directory.CreateDirectory(Root);
            LocalFile.WriteWhole(ownerPath, Encoding.UTF8.GetBytes(SweepOutputLayout.OwnerJson(sweep, name)));
        }

        return Task.CompletedTask;
    }

    public Task<SweepOutputHistory> ReadHistoryAsync(string sweep, CancellationToken cancellationToken)
    {
        if (ReadOwner() is not { } owner || SweepOutputLayout.OwnerOf(owner) != sweep)
        {
            return Task.FromResult(SweepOutputHistory.None);
        }

        var runsFolder = Path.Combine(Root, SweepOutputLayout.RunsFolder);
        var runs = new List<(int, string?)>();
        if (Directory.Exists(runsFolder) && !LocalPath.IsLink(runsFolder))
        {
            foreach (var file in Directory.EnumerateFiles(runsFolder, "run-*.json"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (SweepOutputLayout.RunNumber(Path.GetFileName(file)) is { } number)
                {
                    runs.Add((number, ReadRunRecord(file)));
                }
            }
        }

        var bestInfo = Path.Combine(BestLocation, SweepOutputLayout.BestInfoFileName);
        return Task.FromResult(new SweepOutputHistory(
            [.. runs.OrderBy(r => r.Item1)],
            LocalFile.IsRegularFile(bestInfo) ? ReadRecord(bestInfo, "promoted merge's info") : null));
    }

    public Task<IReadOnlySet<string>> PublishedMergesAsync(IEnumerable<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(keys.Where(key => File.Exists(Path.Combine(MergeLocation(key), MergeManifest.FileName))).ToHashSet(StringComparer.Ordinal));

    public Task<bool> HasBestAsync(CancellationToken cancellationToken) => Task.FromResult(Directory.Exists(BestLocation));

    public Task WriteRunAsync(int number, string json, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, SweepOutputLayout.RunsFolder);
        Directory.CreateDirectory(folder);
        // Not through a link planted under the record's name or its partial file: a run's record lands here only.
        LocalFile.WriteWhole(Path.Combine(folder, SweepOutputLayout.RunFileName(number)), Encoding.UTF8.GetBytes(json));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Copies the merge to best/: staged beside it, then swapped in with two renames, so readers see the
    /// old best or the new one, never a mixture (for an instant, neither).
    /// </summary>
    public Task PromoteAsync(string key, string infoJson, CancellationToken cancellationToken)
    {
        var source = MergeLocation(key);
        var staging = Path.Combine(Root, ".best-staging");
        var previous = Path.Combine(Root, ".best-previous");
        DeleteFolder(staging);
        DeleteFolder(previous);
        Directory.CreateDirectory(staging);

        // Only what the merge published, and never through a link someone put beside it.
        var manifestPath = Path.Combine(source, MergeManifest.FileName);
        var manifest = LocalFile.ReadAllBytes(manifestPath, "merge manifest", MergeManifest.MaxBytes, length =>
            new StorageException($"{manifestPath} is {length} bytes, larger than any manifest FusionCluster writes; the merge is not promoted"));
        var published = MergeManifest.Read(manifest, manifestPath).Select(f => f.Name).Append(MergeManifest.FileName);
        foreach (var name in published)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = Path.Combine(source, name);
            if (LocalPath.IsLink(file))
            {
                throw new StorageException($"{file} is a symlink; a published merge has none, so it is not promoted");
            }

            File.Copy(file, Path.Combine(staging, name));
        }

        File.WriteAllText(Path.Combine(staging, SweepOutputLayout.BestInfoFileName), infoJson);
        if (Directory.Exists(BestLocation))
        {
            Directory.Move(BestLocation, previous);
        }

        Directory.Move(staging, BestLocation);
        DeleteFolder(previous);
        return Task.CompletedTask;
    }

    public Task PruneAsync(IReadOnlySet<string> keepKeys, IReadOnlySet<int> keepRuns, CancellationToken cancellationToken)
    {
        var merges = Path.Combine(Root, SweepOutputLayout.MergesFolder);
        if (Directory.Exists(merges))
        {
            foreach (var folder in Directory.EnumerateDirectories(merges))
            {
                var name = Path.GetFileName(folder);
                if (SweepOutputLayout.IsMergeKey(name) && !keepKeys.Contains(name))
                {
                    DeleteFolder(folder);
                }
            }
        }

        var runs = Path.Combine(Root, SweepOutputLayout.RunsFolder);
        if (Directory.Exists(runs))
        {
            foreach (var file in Directory.EnumerateFiles(runs, "run-*.json"))
            {
                if (SweepOutputLayout.RunNumber(Path.GetFileName(file)) is { } number && !keepRuns.Contains(number))
                {
                    File.Delete(file);
                }
            }
        }

        // A connect sweep's results go with their run: nothing else refers to them.
        var connect = Path.Combine(Root, SweepOutputLayout.ConnectFolder);
        if (Directory.Exists(connect))
        {
            foreach (var folder in Directory.EnumerateDirectories(connect))
            {
                if (SweepOutputLayout.ConnectRunNumber(Path.GetFileName(folder)) is { } number && !keepRuns.Contains(number))
                {
                    DeleteFolder(folder);
                }
            }
        }

        return Task.CompletedTask;
    }

    private string? ReadOwner() => SweepOutputLayout.ReadLocalOwner(Root);

    /// <summary>A run record's text, or null when it is not a regular file a sweep could have written: its number still counts.</summary>
    private static string? ReadRunRecord(string path)
    {
        try
        {
            return ReadRecord(path, "run record");
        }
        catch (StorageException)
        {
            return null;
        }
    }

    private static string ReadRecord(string path, string what) =>
        System.Text.Encoding.UTF8.GetString(LocalFile.ReadAllBytes(path, what, SweepOutputLayout.MaxRecordBytes, size => new StorageException($"{path}: {size} bytes, more than the {SweepOutputLayout.MaxRecordBytes} of any {what} a sweep writes")));

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

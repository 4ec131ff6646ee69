namespace FusionCluster.Core.Storage;

/// <summary>
/// Where a sweep keeps what it makes (<see cref="SweepOutputLayout"/>): one published merge per cache key,
/// a record per kept run, and a copy of the promoted merge. The sweep owns the location: pruning deletes
/// merges and run records no kept run refers to. A local folder or a blob prefix (az://).
/// </summary>
public interface ISweepOutput
{
    /// <summary>The sweep's output location in canonical form.</summary>
    string Root { get; }

    /// <summary>The location of best/, the promoted merge.</summary>
    string BestLocation { get; }

    /// <summary>
    /// The folder of file-per-entry evaluation results (kept across runs), or null where the output is not a
    /// local folder (a cluster with Redis caches there instead).
    /// </summary>
    string? EvaluationCacheFolder { get; }

    /// <summary>
    /// The local folder where the ensemble baseline with this rule keeps its ensemble.json (rewritten each run), or
    /// null where the output is not a local folder: an ensemble.json names local member folders.
    /// </summary>
    string? BaselineFolder(string rule);

    /// <summary>The location a merge with this cache key is published at.</summary>
    string MergeLocation(string key);

    /// <summary>The location a connect sweep publishes point <paramref name="point"/> of run <paramref name="run"/> at.</summary>
    string ConnectLocation(int run, int point);

    /// <summary>
    /// Makes the location <paramref name="sweep"/>'s before a run writes anything there, writing the owner file
    /// (<see cref="SweepOutputLayout.OwnerFileName"/>, with the sweep's <paramref name="name"/>) the first time.
    /// </summary>
    /// <exception cref="StorageException">The location is a user's or another sweep's (<see cref="SweepOutputLayout.ClaimRefusal"/>).</exception>
    Task ClaimAsync(string sweep, string name, CancellationToken cancellationToken);

    /// <summary>
    /// The run records and best/'s info that <paramref name="sweep"/> kept here, for a sweep grain whose state is new to
    /// continue from (an embedded silo's state ends with its process: every local <c>fusion sweep run</c> numbered its
    /// run 1 and replaced the last run's record). <see cref="SweepOutputHistory.None"/> unless the owner file names
    /// <paramref name="sweep"/>.
    /// </summary>
    Task<SweepOutputHistory> ReadHistoryAsync(string sweep, CancellationToken cancellationToken);

    /// <summary>The keys of <paramref name="keys"/> whose merge is published (its manifest, written last, is there).</summary>
    Task<IReadOnlySet<string>> PublishedMergesAsync(IEnumerable<string> keys, CancellationToken cancellationToken);

    /// <summary>True when best/ holds a promoted merge.</summary>
    Task<bool> HasBestAsync(CancellationToken cancellationToken);

    /// <summary>Writes runs/run-NNNNNN.json whole (a reader sees the old record or the new one).</summary>
    Task WriteRunAsync(int number, string json, CancellationToken cancellationToken);

    /// <summary>Copies the published files of merge <paramref name="key"/> to best/, with <see cref="SweepOutputLayout.BestInfoFileName"/> saying which it is.</summary>
    Task PromoteAsync(string key, string infoJson, CancellationToken cancellationToken);

    /// <summary>Deletes the merges not in <paramref name="keepKeys"/>, and the run records and connect results of runs not in <paramref name="keepRuns"/>.</summary>
    Task PruneAsync(IReadOnlySet<string> keepKeys, IReadOnlySet<int> keepRuns, CancellationToken cancellationToken);
}

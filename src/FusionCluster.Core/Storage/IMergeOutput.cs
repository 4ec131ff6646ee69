using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Storage;

/// <summary>
/// The output of one merge job, staged where it will be published. Every silo that runs a unit of the
/// job opens the same output (by location and job id) and writes its tensors at their planned places;
/// the job publishes once every unit is done. Writing a tensor twice writes the same bytes to the same
/// place, so retried units are harmless. Until <see cref="PublishAsync"/> completes, readers see no result.
/// </summary>
public interface IMergeOutput
{
    string Location { get; }

    /// <summary>Fails when a published result is already there, unless <paramref name="overwrite"/>.</summary>
    Task CheckAsync(bool overwrite, CancellationToken cancellationToken);

    /// <summary>Creates the staged shards (sized and with their headers) before any unit writes, reserving their space.</summary>
    Task PrepareAsync(MergePlan plan, CancellationToken cancellationToken) => PrepareAsync(plan, reserveSpace: true, cancellationToken);

    /// <summary>Creates the staged shards (sized and with their headers) before any unit writes.</summary>
    /// <param name="reserveSpace">
    /// Whether to reserve the shards' whole space now, so that a full disk fails here rather than mid-merge; false where
    /// the output may well never be written (the candidates of a scoring job, of which one is published).
    /// </param>
    Task PrepareAsync(MergePlan plan, bool reserveSpace, CancellationToken cancellationToken);

    /// <summary>Opens one planned tensor for writing; complete it with <see cref="TensorWriter.CompleteAsync"/>.</summary>
    TensorWriter OpenTensor(string shardFileName, TensorPlan tensor);

    /// <summary>Makes the result visible: shards, then <paramref name="files"/>, then the weights' entry point and manifest last.</summary>
    Task PublishAsync(MergePlan plan, IReadOnlyList<PublishedFile> files, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps an intermediate file of the job (a statistics unit's result) in its staging, for later units on any
    /// silo: never published, removed with the staging. Writing the same name again replaces it whole.
    /// </summary>
    Task WriteIntermediateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        throw new StorageException($"'{Location}': this store keeps no intermediate files, which data-aware merges (regmean, fisher) need; write the output to a local folder");

    /// <summary>An intermediate file <see cref="WriteIntermediateAsync"/> kept.</summary>
    /// <exception cref="StorageException">No such file is staged.</exception>
    Task<byte[]> ReadIntermediateAsync(string name, CancellationToken cancellationToken) =>
        throw new StorageException($"'{Location}': this store keeps no intermediate files, which data-aware merges (regmean, fisher) need; write the output to a local folder");

    /// <summary>Removes everything staged; publishes nothing. Safe to call more than once.</summary>
    Task DiscardAsync(CancellationToken cancellationToken);
}

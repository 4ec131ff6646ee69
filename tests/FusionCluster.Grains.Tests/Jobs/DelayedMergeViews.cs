using FusionCluster.Alignment.Jobs;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// The real <see cref="JobInputAlignment"/>, with every merge unit of an aligned job held for a while before it reads
/// its inputs (merge units ask for their views first), so that a test can kill a silo while a merge-phase unit runs.
/// </summary>
public sealed class DelayedMergeViews(CheckpointCache checkpoints, IDataAlignment data) : IInputAlignment
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private readonly JobInputAlignment inner = new(checkpoints, data);

    public Task<string> AlignAsync(UnitAssignment assignment, CancellationToken cancellationToken) =>
        inner.AlignAsync(assignment, cancellationToken);

    public async Task<Func<StoredTensor, StoredTensor>?> ViewAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken)
    {
        await Task.Delay(Delay, cancellationToken);
        return await inner.ViewAsync(assignment, model, cancellationToken);
    }
}

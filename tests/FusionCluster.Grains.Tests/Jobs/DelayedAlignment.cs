using FusionCluster.Alignment.Jobs;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// The real <see cref="JobInputAlignment"/> (with the silo's forward passes, for activation matching and zipit), with
/// every alignment unit held for a while first, so that a test can kill a silo while one runs.
/// </summary>
public sealed class DelayedAlignment(CheckpointCache checkpoints, IDataAlignment data) : IInputAlignment
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    private readonly JobInputAlignment inner = new(checkpoints, data);

    public async Task<string> AlignAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        await Task.Delay(Delay, cancellationToken);
        return await inner.AlignAsync(assignment, cancellationToken);
    }

    public Task<Func<StoredTensor, StoredTensor>?> ViewAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken) =>
        inner.ViewAsync(assignment, model, cancellationToken);
}

using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.DataAware;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>The real <see cref="JobStatistics"/>, with every statistics unit held for a while first, so that a test can kill a silo while one runs.</summary>
public sealed class DelayedStatistics(ArtifactStores stores, CheckpointCache checkpoints) : IInputStatistics
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    private readonly JobStatistics inner = new(stores, checkpoints);

    public async Task<string> ComputeAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        await Task.Delay(Delay, cancellationToken);
        return await inner.ComputeAsync(assignment, cancellationToken);
    }

    public Task<Func<string, string, TensorSource?>> OpenAsync(UnitAssignment assignment, CancellationToken cancellationToken) =>
        inner.OpenAsync(assignment, cancellationToken);
}

using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using Orleans.Runtime;
using Orleans.Storage;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// Holds the write that records a job's end (its saved state Succeeded, Failed or Cancelled) until <see cref="Release"/>;
/// every other read and write goes straight to the silo's own storage (<see cref="Wrap"/>), so a test can look at the job
/// while its end is being saved.
/// </summary>
internal sealed class JobEndHold
{
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a job's end is first written, and held.</summary>
    public Task Reached => reached.Task;

    public void Release() => released.TrySetResult();

    /// <summary>The storage of jobs, <paramref name="inner"/>, with their end's write held.</summary>
    public IGrainStorage Wrap(IGrainStorage inner) => new HoldingStorage(inner, this);

    private sealed class HoldingStorage(IGrainStorage inner, JobEndHold hold) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (grainState.State is MergeJobState { State: JobState.Succeeded or JobState.Failed or JobState.Cancelled })
            {
                hold.reached.TrySetResult();
                await hold.released.Task;
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}

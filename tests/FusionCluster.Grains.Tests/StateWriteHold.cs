using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using Orleans.Runtime;
using Orleans.Storage;

namespace FusionCluster.Grains.Tests;

/// <summary>
/// Holds the first write of a grain state that <paramref name="holds"/> picks (a job's end, a sweep run's) while a test
/// looks at the grain (<see cref="WhileHeldAsync"/>); every other read and write goes straight to the silo's own storage
/// (<see cref="Wrap"/>).
/// </summary>
internal sealed class StateWriteHold(Func<object?, bool> holds)
{
    /// <summary>A job's end: its state Succeeded, Failed or Cancelled.</summary>
    public static StateWriteHold JobEnd() => new(state => state is MergeJobState { State: JobState.Succeeded or JobState.Failed or JobState.Cancelled });

    private readonly Func<object?, bool> holds = holds;
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits for the held write, runs <paramref name="look"/> while it is held, then lets it through, whatever <paramref name="look"/> did.</summary>
    public async Task WhileHeldAsync(Func<Task> look, CancellationToken cancellationToken)
    {
        try
        {
            await reached.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            await look();
        }
        finally
        {
            released.TrySetResult();
        }
    }

    /// <summary>The storage of jobs and sweeps, <paramref name="inner"/>, with that write held.</summary>
    public IGrainStorage Wrap(IGrainStorage inner) => new HoldingStorage(inner, this);

    private sealed class HoldingStorage(IGrainStorage inner, StateWriteHold hold) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (hold.holds(grainState.State) && hold.reached.TrySetResult())
            {
                await hold.released.Task;
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}

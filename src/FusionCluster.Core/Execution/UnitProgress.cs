namespace FusionCluster.Core.Execution;

/// <summary>
/// The beat of a running unit's compute loop. Long loops (weight matching's groups, a statistics pass's
/// samples, a merge's copy chunks) call <see cref="Beat"/>; the worker running the unit listens through
/// <see cref="ListenAsync{T}"/> and counts a beat as progress, so a unit that computes for an hour between
/// two output bytes is not taken for a hung one. Ambient (an <see cref="AsyncLocal{T}"/>), because the
/// loops sit deep in alignment and statistics code that would otherwise need a callback threaded through
/// every signature on the way; outside a listened unit a beat does nothing.
/// </summary>
public static class UnitProgress
{
    private static readonly AsyncLocal<Action?> Listener = new();

    /// <summary>Says that the unit running on this flow still makes progress.</summary>
    public static void Beat() => Listener.Value?.Invoke();

    /// <summary>Runs <paramref name="work"/> with <paramref name="beat"/> called for each <see cref="Beat"/> in it.</summary>
    public static async Task<T> ListenAsync<T>(Action beat, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        // An async method restores its caller's execution context on return, so the listener ends with the work.
        Listener.Value = beat;
        return await work();
    }
}

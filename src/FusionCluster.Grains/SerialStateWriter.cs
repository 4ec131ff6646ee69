namespace FusionCluster.Grains;

/// <summary>
/// Orders the state writes of one activation: a reentrant grain may ask for a save while another is in
/// flight, and grain storage rejects overlapping writes (it checks etags).
/// </summary>
public sealed class SerialStateWriter<TState>(IPersistentState<TState> state)
{
    private Task last = Task.CompletedTask;

    /// <summary>Completes when every write asked for so far has finished (successfully or not).</summary>
    public Task Idle => last.ContinueWith(_ => { }, TaskScheduler.Current);

    /// <param name="beforeWrite">Runs just before this write starts, after the earlier ones ended.</param>
    public Task WriteAsync(Action? beforeWrite = null)
    {
        var current = WriteAfter(Idle, beforeWrite);
        last = current;
        return current;
    }

    private async Task WriteAfter(Task previous, Action? beforeWrite)
    {
        await previous;
        beforeWrite?.Invoke();
        await state.WriteStateAsync();
    }
}

namespace FusionCluster.TestSupport;

/// <summary>
/// Runs work that must end quickly (refusing a FIFO or /dev/zero) on the thread pool and fails after a limit, so that a
/// regression that blocks or reads forever fails the test instead of hanging the run.
/// </summary>
public static class Promptly
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <exception cref="TimeoutException">The work was still running after <see cref="Limit"/>.</exception>
    public static async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var task = Task.Run(work);
        if (await Task.WhenAny(task, Task.Delay(Limit)) != task)
        {
            throw new TimeoutException($"still running after {Limit.TotalSeconds:0} s");
        }

        return await task;
    }

    /// <exception cref="TimeoutException">The work was still running after <see cref="Limit"/>.</exception>
    public static Task<T> RunAsync<T>(Func<T> work) => RunAsync(() => Task.FromResult(work()));
}

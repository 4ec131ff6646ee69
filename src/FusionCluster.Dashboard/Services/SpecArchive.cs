using System.Collections.Concurrent;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// The spec texts of jobs submitted through this dashboard process, so a job's page can show its spec
/// while it runs: the job grain does not serve its request back, and the spec otherwise appears only in
/// the published merge report. In memory and bounded; lost when the dashboard restarts.
/// </summary>
public sealed class SpecArchive
{
    public const int Capacity = 1000;

    private readonly ConcurrentDictionary<string, string> specs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> order = new();

    public void Remember(string jobId, string specText)
    {
        if (specs.TryAdd(jobId, specText))
        {
            order.Enqueue(jobId);
            while (order.Count > Capacity && order.TryDequeue(out var oldest))
            {
                specs.TryRemove(oldest, out _);
            }
        }
    }

    public string? Find(string jobId) => specs.GetValueOrDefault(jobId);
}

using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Catalog;

/// <summary>The cluster's list of jobs, persisted; keeps the newest <see cref="Capacity"/> entries.</summary>
public sealed class JobCatalogGrain(
    [PersistentState("catalog", FusionStorageNames.Jobs)] IPersistentState<JobCatalogState> catalog) : Grain, IJobCatalogGrain
{
    public const int Capacity = 5000;

    public async Task Upsert(JobSummary job)
    {
        var jobs = catalog.State.Jobs;
        var index = jobs.FindIndex(j => j.JobId == job.JobId);
        if (index >= 0)
        {
            jobs[index] = job;
        }
        else
        {
            jobs.Add(job);
            if (jobs.Count > Capacity)
            {
                jobs.RemoveAt(0);
            }
        }

        await catalog.WriteStateAsync();
    }

    public Task<IReadOnlyList<JobSummary>> List() =>
        Task.FromResult<IReadOnlyList<JobSummary>>(catalog.State.Jobs.OrderByDescending(j => j.SubmittedAt).ToList());
}

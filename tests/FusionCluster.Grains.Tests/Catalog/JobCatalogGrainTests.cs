using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Catalog;

/// <summary>The job catalog keeps one entry per job, the latest, and lists the newest submissions first.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class JobCatalogGrainTests(OneWorkerSilo silo)
{
    private static readonly DateTimeOffset Monday = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_upsert_replaces_the_jobs_entry_and_the_list_is_newest_first()
    {
        var catalog = silo.Client.GetGrain<IJobCatalogGrain>($"catalog-{Guid.NewGuid():N}");
        await catalog.Upsert(Summary("early", Monday, JobState.Running));
        await catalog.Upsert(Summary("late", Monday.AddHours(1), JobState.Running));
        await catalog.Upsert(Summary("early", Monday, JobState.Succeeded));

        var jobs = await catalog.List();

        Assert.Equal(["late", "early"], jobs.Select(j => j.JobId));
        Assert.Equal(JobState.Succeeded, jobs[1].State);
    }

    private static JobSummary Summary(string id, DateTimeOffset submitted, JobState state) =>
        new() { JobId = id, SpecName = $"{id}.yaml", Method = "linear", Output = "/out", SubmittedAt = submitted, State = state };
}

using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>What a job shows while it records its end: the end only once it is saved and in the catalog.</summary>
public sealed class MergeJobGrainEndTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fusion-job-end-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task A_job_shows_its_end_only_once_the_end_is_saved_and_in_the_catalog()
    {
        // A sweep that took a job for finished while its end was still being saved moved on, and `fusion sweep run` then
        // stopped its silo: the job's catalog entry was cut off, and a job whose silo stops or dies resumes from the state
        // saved before its end, publishing again.
        var cancellation = TestContext.Current.CancellationToken;
        TinyTaskModels.Write(root, seed: 11, cancellation);
        var hold = StateWriteHold.JobEnd();
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1, jobStorage: hold.Wrap);
        var job = cluster.Client.GetGrain<IMergeJobGrain>("job-held-end");
        await job.Start(new MergeRequest
        {
            SpecText = """
                merge_method: task_arithmetic
                base_model: base
                models:
                  - {model: ft-1, parameters: {weight: 0.5}}
                  - {model: ft-2, parameters: {weight: 0.5}}
                dtype: bfloat16
                """,
            SpecDirectory = root,
            Output = Path.Combine(root, "merged"),
        });
        await hold.WhileHeldAsync(
            async () =>
            {
                var whileSaving = await job.GetStatus();
                Assert.Equal(JobState.Publishing, whileSaving.State);
                Assert.False((await job.WhenFinished(TimeSpan.FromMilliseconds(300))).IsFinished, "WhenFinished answered finished while the end was being saved");
            },
            cancellation);

        var finished = await job.WhenFinished(TimeSpan.FromMinutes(1));
        Assert.Equal(JobState.Succeeded, finished.State);
        var listed = (await cluster.Client.GetGrain<IJobCatalogGrain>("default").List()).Single(j => j.JobId == "job-held-end");
        Assert.Equal(JobState.Succeeded, listed.State);
        Assert.True(File.Exists(Path.Combine(root, "merged", "model.safetensors")));
    }
}

using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Planning;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>The worker grain of a silo runs the units sent to it, counts them, and reports them to their job.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class WorkerGrainTests(OneWorkerSilo silo)
{
    [Fact]
    public async Task Units_sent_to_a_worker_run_and_are_counted_in_its_load()
    {
        var worker = silo.Client.GetGrain<IWorkerGrain>(silo.SiloKey);
        var before = (await worker.GetLoad()).Completed;
        var plan = DispatchProbe.Plan(3);
        var jobId = $"no-such-job-{Guid.NewGuid():N}";

        await worker.Run(jobId, plan.Units.Select(u => new UnitDispatch(1, UnitAssignment.For(jobId, plan, u, ""))).ToList());

        var load = await Eventually(worker.GetLoad, l => l.Completed == before + 3);
        Assert.Equal((0, 0), (load.Running, load.Queued));
        // Nothing of that job is held any more: cancelling it has nothing to wait for.
        await worker.CancelJob(jobId).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_workers_reports_complete_a_job()
    {
        var job = silo.Client.GetGrain<IMergeJobGrain>($"probe-{Guid.NewGuid():N}");

        var status = await job.Start(new MergeRequest { SpecText = "", SpecDirectory = "", Output = "", ProbeUnits = 5 });
        status = await Eventually(job.GetStatus, s => s.IsFinished);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        Assert.Equal(5, status.UnitsDone);
        Assert.Equal(0, status.Retries);
    }

    [Fact]
    public async Task A_worker_grain_keyed_by_something_other_than_a_silo_is_not_placed_anywhere()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => silo.Client.GetGrain<IWorkerGrain>("not-a-silo").GetLoad());
        Assert.Contains("not a silo address", error.ToString());
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

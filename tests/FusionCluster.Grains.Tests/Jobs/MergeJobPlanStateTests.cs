using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A job's plan is stored once, in a state of its own, not in the job's state that every step writes again; a job
/// stored before that (its plan inside its state) still reads back with its plan. Through Redis, as a cluster stores jobs.
/// </summary>
public sealed class MergeJobPlanStateTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fusion-plan-state-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <param name="binaryState">Whether the silo writes its states in the binary format (<see cref="GrainStateSerializer"/>) or as JSON.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_planned_job_keeps_its_plan_out_of_its_state_and_a_job_stored_with_the_plan_inside_reads_back(bool binaryState)
    {
        var cancellation = TestContext.Current.CancellationToken;
        TinyTaskModels.Write(root, seed: 3, cancellation);

        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellation);
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1, store: redis, binaryState: binaryState);
        var written = ((InProcessSiloHandle)cluster.Silos[0]).SiloHost.Services.GetRequiredService<IGrainStorageSerializer>().Serialize(new List<int> { 1 });
        Assert.Equal(binaryState, written.ToMemory().Span[0] != (byte)'{');
        var job = cluster.Client.GetGrain<IMergeJobGrain>("job-plan-stored");
        var status = await job.Start(new MergeRequest
        {
            SpecText = "merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters: {weight: 0.5}\n  - model: ft-2\n    parameters: {weight: 0.5}\ndtype: bfloat16\n",
            SpecDirectory = root,
            Output = Path.Combine(root, "out"),
        });
        status = await job.WhenFinished(TimeSpan.FromMinutes(2));
        Assert.True(status.State == JobState.Succeeded, status.Error);
        var units = await job.GetUnits();

        var storage = ((InProcessSiloHandle)cluster.Silos[0]).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(FusionStorageNames.Jobs);
        var stored = new GrainState<MergeJobState>();
        await storage.ReadStateAsync("job", job.GetGrainId(), stored);
        var storedPlan = new GrainState<MergeJobPlanState>();
        await storage.ReadStateAsync("plan", job.GetGrainId(), storedPlan);
        Assert.NotNull(stored.State);
        Assert.NotNull(storedPlan.State);
        Assert.True(stored.State.PlanStored);
        Assert.Null(stored.State.PlanJson);
        Assert.Contains("model.layers.1.mlp.down_proj.weight", storedPlan.State.PlanJson, StringComparison.Ordinal);

        // The same job as a silo of the earlier layout stored it: the plan inside the job's state, no plan state.
        var earlier = cluster.Client.GetGrain<IMergeJobGrain>("job-plan-inside");
        stored.State.PlanJson = storedPlan.State.PlanJson;
        stored.State.PlanStored = false;
        await storage.WriteStateAsync("job", earlier.GetGrainId(), new GrainState<MergeJobState>(stored.State));

        var earlierUnits = await earlier.GetUnits();
        Assert.Equal(JobState.Succeeded, (await earlier.GetStatus()).State);
        // Without its plan a job lists its units as "unit i", of no known size.
        Assert.Equal(units.Select(u => (u.Name, u.InputBytes, u.State)), earlierUnits.Select(u => (u.Name, u.InputBytes, u.State)));
        Assert.All(earlierUnits, u => Assert.True(u.InputBytes > 0, $"{u.Name} has no planned size"));
    }
}

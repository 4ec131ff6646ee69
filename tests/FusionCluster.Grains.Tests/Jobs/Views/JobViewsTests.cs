using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;
using FusionCluster.Grains.Jobs.Views;

namespace FusionCluster.Grains.Tests.Jobs.Views;

/// <summary>What a job's status and unit list show: bytes of done and running units, each silo's share, planned sizes.</summary>
public sealed class JobViewsTests
{
    private static readonly MergePlan Plan = new()
    {
        Method = "linear",
        ModelPaths = new Dictionary<string, string>(),
        Shards = [],
        Units = [Unit(0, "embeddings", 100), Unit(1, "layer 0", 200), Unit(2, "head", 300)],
    };

    [Fact]
    public void Status_counts_done_bytes_plus_the_progress_of_running_units_per_silo()
    {
        var state = new MergeJobState { State = JobState.Running, Units = [new(), new(), new()], Request = Request() };
        var scheduler = new UnitScheduler(state.Units, JobSchedule.ForMerge(Plan), new JobOptions { QueueFactor = 1 });
        var a = new WorkerSilo("key-a", "silo-a", 1);
        var b = new WorkerSilo("key-b", "silo-b", 1);
        scheduler.Dispatch([a, b], "cpu", 0, DateTimeOffset.UnixEpoch);
        scheduler.Complete(0, new UnitResult(0, 100, 10, 2.5, []));
        scheduler.RenewLeases("key-b", [new UnitLease(1, 1, 150)], DateTimeOffset.UnixEpoch);

        var status = JobViews.Status("job-1", state, Plan, scheduler, 7, "coordinator");

        Assert.Equal((3, 1, 1), (status.UnitsTotal, status.UnitsDone, status.UnitsRunning));
        Assert.Equal((600L, 250L), (status.BytesTotal, status.BytesDone));
        Assert.Equal([new SiloShare("silo-a", 1, 100, 2.5, 0), new SiloShare("silo-b", 0, 150, 0, 1)], status.Silos);
        Assert.Equal(("linear", "coordinator", 7.0, "spec.yaml"), (status.Method, status.Coordinator, status.ElapsedSeconds, status.SpecName));
    }

    [Fact]
    public void Before_planning_the_status_shows_the_request_only()
    {
        var state = new MergeJobState { State = JobState.Planning, Request = Request() };

        var status = JobViews.Status("job-1", state, null, null, 0, "c");

        Assert.Equal((0, 0, 0L, "/out", ""), (status.UnitsTotal, status.UnitsDone, status.BytesDone, status.Output, status.Method));
        Assert.Empty(status.Silos);
    }

    [Fact]
    public void A_done_unit_shows_its_planned_bytes_and_a_pending_one_its_last_error()
    {
        var state = new MergeJobState
        {
            Units =
            [
                new UnitRecord { State = UnitState.Done, BytesDone = 1, Attempt = 2, SiloName = "silo-a", Result = new UnitResult(0, 100, 10, 4, []) },
                new UnitRecord { State = UnitState.Pending, Failures = 1, LastError = "disk full" },
                new UnitRecord(),
            ],
        };

        var units = JobViews.Units(state, Plan);

        Assert.Equal(("embeddings", 100L, 2, 4.0, "silo-a"), (units[0].Name, units[0].BytesDone, units[0].Attempts, units[0].Seconds, units[0].Silo));
        Assert.Equal(("layer 0", 200L, "disk full"), (units[1].Name, units[1].InputBytes, units[1].LastError));
        Assert.Equal("unit 2", JobViews.Units(state, null)[2].Name);
    }

    private static MergeRequest Request() => new() { SpecText = "merge_method: linear", SpecDirectory = "/specs", SpecName = "spec.yaml", Output = "/out" };

    private static WorkUnit Unit(int index, string name, long bytes) => new() { Index = index, Name = name, Tensors = [], InputBytes = bytes };
}

using FusionCluster.Core.Execution;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Tests.Jobs;
using FusionCluster.Grains.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>
/// A real unit on a real worker silo: one stuck inside its merge method is stalled on the silo's progress board
/// (what /healthz/live reads); one that computes as long but beats from its loop never is.
/// </summary>
public sealed class WorkerStallTests : IDisposable
{
    private const string Spec = """
        merge_method: linear
        models:
          - model: base
            parameters: {weight: 0.5}
          - model: ft-1
            parameters: {weight: 0.5}
        dtype: bfloat16
        """;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    private readonly string root = Directory.CreateTempSubdirectory("fusion-worker-stall-").FullName;
    private readonly UnitProgressBoard board = new(TimeProvider.System);

    public WorkerStallTests()
    {
        var shape = new SyntheticModelShape(Hidden: 32, Intermediate: 64, Layers: 1, Vocab: 64, Heads: 2);
        SyntheticCheckpoint.Write(Path.Combine(root, "base"), shape, DType.BF16, baseSeed: 5, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(root, "ft-1"), shape, DType.BF16, baseSeed: 5, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_unit_stuck_in_its_merge_method_is_stalled_until_it_returns()
    {
        using var release = new ManualResetEventSlim();
        try
        {
            await using var cluster = await StartAsync(() => release.Wait(TimeSpan.FromMinutes(2)));
            var job = cluster.Client.GetGrain<IMergeJobGrain>("job-stuck");
            await job.Start(Request("job-stuck"));

            var stalled = await EventuallyAsync(() => board.Stalled(Limit), s => s.Count > 0);
            var unit = Assert.Single(stalled);
            Assert.Equal(("job-stuck", 1), (unit.Job, unit.Attempt));
            Assert.True(unit.Silent > Limit, $"silent {unit.Silent}");

            release.Set();
            var status = await EventuallyAsync(job.GetStatus, s => s.IsFinished);
            Assert.True(status.State == JobState.Succeeded, status.Error);
            Assert.Equal(0, board.Count);
            Assert.Empty(board.Stalled(TimeSpan.Zero));
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task A_unit_that_beats_while_it_computes_longer_than_the_limit_is_never_stalled()
    {
        var slow = 1;
        await using var cluster = await StartAsync(() =>
        {
            // The first tensor computes for twice the limit, beating as a long align or statistics loop does.
            if (Interlocked.Exchange(ref slow, 0) == 1)
            {
                for (var i = 0; i < 40; i++)
                {
                    Thread.Sleep(100);
                    UnitProgress.Beat();
                }
            }
        });
        var job = cluster.Client.GetGrain<IMergeJobGrain>("job-slow");
        var status = await job.Start(Request("job-slow"));

        var sawItRun = false;
        while (!status.IsFinished)
        {
            sawItRun |= board.Count > 0;
            Assert.Empty(board.Stalled(Limit));
            await Task.Delay(50, TestContext.Current.CancellationToken);
            status = await job.GetStatus();
        }

        Assert.True(status.State == JobState.Succeeded, status.Error);
        Assert.True(sawItRun, "the unit was never seen on the board");
        Assert.Equal(0, Volatile.Read(ref slow));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private Task<InProcessTestCluster> StartAsync(Action beforeMerge) =>
        WorkerCluster.StartAsync(unitSlots: 1, silos: 1, methods: new GatedMethodCatalog(beforeMerge), services: s => s.AddSingleton(board));

    private MergeRequest Request(string jobId) => new() { SpecText = Spec, SpecDirectory = root, Output = Path.Combine(root, jobId) };

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
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

    private static Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done) => EventuallyAsync(() => Task.FromResult(read()), done);
}

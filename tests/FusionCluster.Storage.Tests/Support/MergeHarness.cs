using System.Text.Json.Nodes;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Tests.Support;

/// <summary>
/// Plans and runs merges the way the job and unit grains do, without Orleans: every unit through a
/// <see cref="WorkUnitExecutor"/> that opens the output by location and job id, then publish.
/// </summary>
internal sealed class MergeHarness : IDisposable
{
    public MergeHarness(params IArtifactStore[] stores)
    {
        Stores = new ArtifactStores(stores);
        Checkpoints = new CheckpointCache(Stores);
        Executor = new WorkUnitExecutor(Stores, Checkpoints);
    }

    public ArtifactStores Stores { get; }

    public CheckpointCache Checkpoints { get; }

    public WorkUnitExecutor Executor { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async Task<MergePlan> PlanAsync(string specYaml, string specDirectory, long shardBytes = 150_000, ulong seed = 5)
    {
        var spec = MergeSpecParser.Parse(specYaml, "spec.yaml");
        var models = await ModelCatalog.LoadAsync(spec, specDirectory, Stores, Checkpoints, Token);
        return MergePlanner.Plan(spec, models, new PlanOptions { ShardSizeBytes = shardBytes, Seed = seed });
    }

    public IMergeOutput Output(string location, string jobId) => Stores.OpenOutput(location, jobId);

    public Task PrepareAsync(MergePlan plan, string output, string jobId) => Output(output, jobId).PrepareAsync(plan, Token);

    public Task RunUnitAsync(MergePlan plan, WorkUnit unit, string output, string jobId) =>
        Executor.ExecuteAsync(UnitAssignment.For(jobId, plan, unit, output), null, Token);

    public async Task RunUnitsAsync(MergePlan plan, IEnumerable<WorkUnit> units, string output, string jobId)
    {
        foreach (var unit in units)
        {
            await RunUnitAsync(plan, unit, output, jobId);
        }
    }

    /// <summary>The small files to publish, with a fixed report so that two runs publish the same bytes.</summary>
    public Task<IReadOnlyList<PublishedFile>> FilesAsync(MergePlan plan) =>
        MergeArtifacts.BuildAsync(plan, new JsonObject { ["report"] = "fixed for byte comparisons" }, Checkpoints, Token);

    public async Task PublishAsync(MergePlan plan, string output, string jobId) =>
        await Output(output, jobId).PublishAsync(plan, await FilesAsync(plan), Token);

    /// <summary>A whole job: check, prepare, every unit in <paramref name="order"/> (plan order by default), publish.</summary>
    public async Task RunJobAsync(MergePlan plan, string output, string jobId, IEnumerable<WorkUnit>? order = null, bool overwrite = false)
    {
        await Output(output, jobId).CheckAsync(overwrite, Token);
        await PrepareAsync(plan, output, jobId);
        await RunUnitsAsync(plan, order ?? plan.Units, output, jobId);
        await PublishAsync(plan, output, jobId);
    }

    public void Dispose() => Checkpoints.Dispose();
}

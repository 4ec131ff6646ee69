using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Execution;

/// <summary>Plans a spec over real checkpoint folders and builds the files a merge would publish beside its weights.</summary>
internal sealed class FolderArtifacts : IDisposable
{
    private readonly CheckpointCache checkpoints = new(new ArtifactStores([new FolderStore()]));

    public async Task<(MergePlan Plan, IReadOnlyList<PublishedFile> Files)> BuildAsync(string yaml, string specFolder)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = MergeSpecParser.Parse(yaml, "spec.yaml");
        var models = await ModelCatalog.LoadAsync(spec, specFolder, new ArtifactStores([new FolderStore()]), checkpoints, cancellation);
        var plan = MergePlanner.Plan(spec, models);
        return (plan, await MergeArtifacts.BuildAsync(plan, [], checkpoints, cancellation));
    }

    public void Dispose() => checkpoints.Dispose();
}

using FusionCluster.Grains.Tests.Jobs;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests;

/// <summary>One in-process worker silo (two unit slots, command evaluator enabled) shared by the tests of single grains.</summary>
public sealed class OneWorkerSilo : IAsyncLifetime
{
    private InProcessTestCluster? cluster;

    public InProcessTestCluster Cluster => cluster ?? throw new InvalidOperationException("the cluster has not started");

    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo's address as worker and evaluator grains are keyed.</summary>
    public string SiloKey => Cluster.Silos[0].SiloAddress.ToParsableString();

    public async ValueTask InitializeAsync() => cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1, allowCommandEvaluator: true);

    public async ValueTask DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}

using FusionCluster.Cli.Commands;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>`fusion dashboard` always runs with data roots: what --data-root names, the models folder and a local output.</summary>
public sealed class DashboardDataRootsTests
{
    [Fact]
    public void Every_named_folder_becomes_a_full_path_root_once()
    {
        var roots = DashboardDataRoots.From(["/data/models", "/data/out,/scratch/", "/data/models"], "/srv/specs", "/data/out");

        Assert.Equal(["/data/models", "/data/out", "/scratch", "/srv/specs"], roots);
    }

    [Fact]
    public void A_blob_output_adds_no_root_and_the_models_folder_is_always_one()
    {
        Assert.Equal(["/srv/specs"], DashboardDataRoots.From([], "/srv/specs", "az://results/merged"));
        Assert.Equal(["/srv/specs"], DashboardDataRoots.From([], "/srv/specs", null));
    }
}

using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class ArtifactListTests : DashboardTestContext
{
    [Fact]
    public void Files_are_download_links_with_sizes()
    {
        var list = Render<ArtifactList>(p => p
            .Add(x => x.JobId, "job 1")
            .Add(x => x.Files, [new ArtifactFile("model.safetensors", 3L << 20, null)]));

        var link = list.Find(".artifact-link");
        Assert.Equal("jobs/job%201/artifacts/model.safetensors", link.GetAttribute("href"));
        Assert.Equal("model.safetensors", link.GetAttribute("download"));
        Assert.Contains("3.0 MiB", list.Find(".artifact-row").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void No_files_says_so()
    {
        var list = Render<ArtifactList>(p => p.Add(x => x.JobId, "j").Add(x => x.Files, []));

        Assert.Equal("No files at the output location.", list.Find("#no-artifacts").TextContent);
    }
}

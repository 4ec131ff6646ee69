using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Artifacts;

public sealed class MergeReportReaderTests
{
    public const string Report = """
        {"tool":"FusionCluster","method":"ties","seed":7,"spec":"merge_method: ties\n","inputs":{"base":{"path":"/m/base","files":[]},"ft-1":{"path":"/m/ft-1","files":[]}},
         "tensors":12,"input_bytes":3000,"output_bytes":1000,"wall_seconds":1.25,"units":[],"warnings":["vocab cropped"]}
        """;

    [Fact]
    public async Task Report_is_read()
    {
        var artifacts = new FakeArtifactBrowser();
        artifacts.Files["fusion-report.json"] = Report;

        var report = await new MergeReportReader(artifacts).ReadAsync("/out", Xunit.TestContext.Current.CancellationToken);

        Assert.NotNull(report);
        Assert.Equal("ties", report.Method);
        Assert.Equal(7UL, report.Seed);
        Assert.Equal(12, report.Tensors);
        Assert.Equal(1.25, report.WallSeconds);
        Assert.Equal("merge_method: ties\n", report.Spec);
        Assert.Equal([("base", "/m/base"), ("ft-1", "/m/ft-1")], report.Inputs);
        Assert.Equal(["vocab cropped"], report.Warnings);
        Assert.Contains("\"method\": \"ties\"", report.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_report_is_null()
    {
        Assert.Null(await new MergeReportReader(new FakeArtifactBrowser()).ReadAsync("/out", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Broken_report_is_an_artifact_error()
    {
        var artifacts = new FakeArtifactBrowser();
        artifacts.Files["fusion-report.json"] = "{ not json";

        await Assert.ThrowsAsync<ArtifactException>(() => new MergeReportReader(artifacts).ReadAsync("/out", Xunit.TestContext.Current.CancellationToken));
    }
}

using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Services;

/// <summary>The server-side checks behind the operator-only buttons: a viewer's circuit cannot submit or cancel, whatever the page shows.</summary>
public sealed class JobCommandsTests : DashboardTestContext
{
    private static readonly MergeSubmission Submission = new()
    {
        SpecText = "merge_method: linear\nmodels:\n  - model: a\n  - model: b\n",
        SpecName = "linear.yaml",
        SpecDirectory = "/models",
        Output = "/results/out",
    };

    [Fact]
    public async Task Viewer_cannot_submit_and_nothing_reaches_the_cluster()
    {
        SignInAs(DashboardRoles.Viewer);

        var error = await Assert.ThrowsAsync<OperatorRequiredException>(() => Commands.SubmitAsync(Submission, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("only operators may submit merges", error.Message);
        Assert.Empty(Cluster.Started);
    }

    [Fact]
    public async Task Viewer_cannot_cancel_or_preview()
    {
        SignInAs(DashboardRoles.Viewer);

        await Assert.ThrowsAsync<OperatorRequiredException>(() => Commands.CancelAsync("job-1", Xunit.TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<OperatorRequiredException>(() => Commands.PreviewAsync(Submission, Xunit.TestContext.Current.CancellationToken));
        Assert.Empty(Cluster.Cancelled);
        Assert.Empty(Cluster.Previewed);
    }

    [Fact]
    public async Task Signed_out_cannot_submit()
    {
        Authorization.SetNotAuthorized();

        await Assert.ThrowsAsync<OperatorRequiredException>(() => Commands.SubmitAsync(Submission, Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Operator_submits_as_themselves()
    {
        SignInAs(DashboardRoles.Operator, "olga");

        var (jobId, _) = await Commands.SubmitAsync(Submission, Xunit.TestContext.Current.CancellationToken);

        var (startedId, request) = Assert.Single(Cluster.Started);
        Assert.Equal(jobId, startedId);
        Assert.Equal("olga", request.SubmittedBy);
        Assert.Equal("/models", request.SpecDirectory);
        Assert.Equal(Submission.SpecText, Specs.Find(jobId));
        Assert.Matches(@"^\d{8}-\d{6}-[0-9a-f]{6}$", jobId);
    }

    [Fact]
    public async Task Operator_cancels()
    {
        SignInAs(DashboardRoles.Operator);

        await Commands.CancelAsync("job-1", Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(["job-1"], Cluster.Cancelled);
    }

    private JobCommands Commands => Services.GetRequiredService<JobCommands>();
}

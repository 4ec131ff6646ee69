using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class NewSweepTests : DashboardTestContext
{
    private const string Valid = """
        template:
          merge_method: task_arithmetic
          base_model: base
          models:
            - model: ft-1
              parameters: {weight: 0.5}
            - model: ft-2
              parameters: {weight: 0.5}
        evaluator:
          accuracy: {dataset: digits.fcds}
        objective: {metric: accuracy}
        out: out
        space:
          grid:
            models[0].parameters.weight: [0.2, 0.4]
        """;

    public NewSweepTests() => SignInAs(DashboardRoles.Operator, "olga");

    [Fact]
    public void A_viewer_gets_no_editor()
    {
        SignInAs(DashboardRoles.Viewer);

        var page = Render<NewSweep>();

        Assert.Contains("Only operators can create sweeps", page.Find("#new-sweep-refused").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#sweep-editor"));
    }

    [Fact]
    public void A_valid_sweep_is_created_by_the_operator_and_its_page_opens()
    {
        var page = Render<NewSweep>();

        page.Find(".sweep-id-field input").Input("nightly");
        page.Find("#sweep-editor").Input(Valid);
        page.Find("#create-sweep").Click();

        var (id, definition) = Assert.Single(Sweeps.Created);
        Assert.Equal("nightly", id);
        Assert.Equal(Valid, definition.SpecText);
        Assert.Equal("olga", definition.SubmittedBy);
        Assert.Equal("/models", definition.SpecDirectory);
        Assert.EndsWith("/sweeps/nightly", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistake_is_marked_at_its_line_and_blocks_create()
    {
        var page = Render<NewSweep>();

        page.Find(".sweep-id-field input").Input("nightly");
        page.Find("#sweep-editor").Input(Valid.Replace("[0.2, 0.4]", "[0.2, oops]", StringComparison.Ordinal));

        // The parser names the `grid:` mapping that holds the bad value.
        Assert.Contains("line 14", page.Find("#sweep-error").TextContent, StringComparison.Ordinal);
        Assert.Equal("14", page.Find("#sweep-editor-error-marker").GetAttribute("data-line"));
        Assert.True(page.Find("#create-sweep").HasAttribute("disabled"));
    }

    [Fact]
    public void The_clusters_refusal_is_shown_and_nothing_navigates()
    {
        Sweeps.CreateError = "sweep 'nightly' already exists with another definition; delete it first";
        var page = Render<NewSweep>();

        page.Find(".sweep-id-field input").Input("nightly");
        page.Find("#sweep-editor").Input(Valid);
        page.Find("#create-sweep").Click();

        Assert.Contains("already exists", page.Find("#create-error").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("sweeps/nightly", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }
}

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

    /// <summary>A connect sweep: no template, evaluator or baselines; its points vary fusion connect's options.</summary>
    private const string Connect = """
        name: mnist connectivity
        kind: connect
        connect: {a: mlp-1, b: mlp-2, dataset: digits.fcds, points: 11}
        space:
          grid:
            connect.align: [none, weight_matching]
            connect.repair: [false, true]
        out: sweep-out
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

    [Fact]
    public void A_connect_sweep_without_a_template_is_valid_and_created()
    {
        var page = Render<NewSweep>();

        page.Find(".sweep-id-field input").Input("connectivity");
        page.Find("#sweep-editor").Input(Connect);

        Assert.Equal("spec-valid", page.Find("#sweep-validation").GetAttribute("class"));
        Assert.False(page.Find("#create-sweep").HasAttribute("disabled"));
        page.Find("#create-sweep").Click();

        var (id, definition) = Assert.Single(Sweeps.Created);
        Assert.Equal(("connectivity", Connect, "/models"), (id, definition.SpecText, definition.SpecDirectory));
        Assert.EndsWith("/sweeps/connectivity", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connect_sweep_with_a_template_or_an_unknown_connect_key_is_refused_at_its_line()
    {
        var page = Render<NewSweep>();
        page.Find(".sweep-id-field input").Input("connectivity");

        // A merge template has no place in a connect sweep (line 3 is where it would go).
        page.Find("#sweep-editor").Input(Connect.Replace("connect: {", "template: {merge_method: linear}\nconnect: {", StringComparison.Ordinal));
        Assert.Contains("a sweep of kind connect has no template", page.Find("#sweep-error").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("#create-sweep").HasAttribute("disabled"));

        // A key fusion connect does not know, in the space: named with its line.
        page.Find("#sweep-editor").Input(Connect.Replace("connect.repair", "connect.repare", StringComparison.Ordinal));
        Assert.Contains("repare", page.Find("#sweep-error").TextContent, StringComparison.Ordinal);
        Assert.Matches(@"line \d+", page.Find("#sweep-error").TextContent);
        Assert.True(page.Find("#create-sweep").HasAttribute("disabled"));
        Assert.Empty(Sweeps.Created);
    }
}

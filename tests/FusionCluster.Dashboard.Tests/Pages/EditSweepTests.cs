using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class EditSweepTests : DashboardTestContext
{
    private const string SweepId = "nightly";

    private const string Current = """
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

    private const string Connect = """
        kind: connect
        connect: {a: mlp-1, b: mlp-2, dataset: digits.fcds, points: 11}
        space:
          grid:
            connect.align: [none, weight_matching]
        out: sweep-out
        """;

    public EditSweepTests()
    {
        SignInAs(DashboardRoles.Operator, "olga");
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId) with { SpecText = Current, SpecDirectory = "/models", ActiveRun = 1 };
    }

    [Fact]
    public void A_viewer_gets_no_editor()
    {
        SignInAs(DashboardRoles.Viewer);

        var page = RenderEdit();

        Assert.Contains("Only operators can edit sweeps", page.Find("#edit-sweep-refused").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#sweep-edit-editor"));
    }

    [Fact]
    public void The_editor_starts_from_the_definition_in_force_and_saves_the_operators_change()
    {
        var page = RenderEdit();

        Assert.Equal(Current, page.Find("#sweep-edit-editor").GetAttribute("value"));
        Assert.True(page.Find("#save-sweep").HasAttribute("disabled"), "nothing changed yet");
        Assert.Contains("Run #1 is going", page.Find("#edit-sweep-running").TextContent, StringComparison.Ordinal);

        var edited = Current.Replace("[0.2, 0.4]", "[0.2, 0.3, 0.4]", StringComparison.Ordinal);
        page.Find("#sweep-edit-editor").Input(edited);
        page.Find("#save-sweep").Click();

        var (id, definition) = Assert.Single(Sweeps.Edited);
        Assert.Equal((SweepId, edited, "/models", "olga"), (id, definition.SpecText, definition.SpecDirectory, definition.SubmittedBy));
        Assert.EndsWith($"/sweeps/{SweepId}", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistake_is_marked_at_its_line_by_the_create_pages_validator_and_blocks_save()
    {
        var page = RenderEdit();

        page.Find("#sweep-edit-editor").Input(Current.Replace("[0.2, 0.4]", "[0.2, oops]", StringComparison.Ordinal));

        Assert.Contains("line 14", page.Find("#sweep-edit-error").TextContent, StringComparison.Ordinal);
        Assert.Equal("14", page.Find("#sweep-edit-editor-error-marker").GetAttribute("data-line"));
        Assert.True(page.Find("#save-sweep").HasAttribute("disabled"));
        Assert.Empty(Sweeps.Edited);
    }

    [Fact]
    public void The_clusters_refusal_is_shown_and_nothing_navigates()
    {
        Sweeps.EditError = "template: model 'ft-3' does not exist";
        var page = RenderEdit();

        page.Find("#sweep-edit-editor").Input(Current.Replace("ft-2", "ft-3", StringComparison.Ordinal));
        page.Find("#save-sweep").Click();

        Assert.Contains("ft-3", page.Find("#edit-sweep-save-error").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain($"sweeps/{SweepId}", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sweep_page_lists_the_definition_history_and_offers_the_editor_to_operators_only()
    {
        Sweeps.Statuses[SweepId] = Sweeps.Statuses[SweepId] with
        {
            Revisions = [new SweepRevision { At = SweepSamples.Created.AddHours(2), By = "olga", Changed = ["space"], PointsBefore = 2, PointsAfter = 3, RunKeptOld = 1 }],
        };

        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));

        Assert.Equal("sweeps/nightly/edit", page.Find("#sweep-edit").GetAttribute("href"));
        Assert.Equal(
            ["2026-11-23 14:00:00 UTC", "olga", "space", "2 → 3", "#1 kept the old definition"],
            page.Find("#sweep-revisions tr.sweep-revision").QuerySelectorAll("td").Select(c => c.TextContent));

        SignInAs(DashboardRoles.Viewer);
        Assert.Empty(Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId)).FindAll("#sweep-edit"));
    }

    [Fact]
    public void A_connect_sweep_is_edited_like_a_merge_sweep()
    {
        var page = RenderConnectEdit();

        Assert.Equal("spec-valid", page.Find("#sweep-edit-validation").GetAttribute("class"));
        var edited = Connect.Replace("[none, weight_matching]", "[none, weight_matching, activation_matching]", StringComparison.Ordinal);
        page.Find("#sweep-edit-editor").Input(edited);
        page.Find("#save-sweep").Click();

        var (id, definition) = Assert.Single(Sweeps.Edited);
        Assert.Equal((SweepId, edited, "/models"), (id, definition.SpecText, definition.SpecDirectory));
        Assert.EndsWith($"/sweeps/{SweepId}", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_an_evaluator_to_a_connect_sweep_is_refused_at_its_line_and_not_saved()
    {
        var page = RenderConnectEdit();

        page.Find("#sweep-edit-editor").Input(Connect + "\nevaluator:\n  accuracy: {dataset: digits.fcds}\n");

        Assert.Contains("a sweep of kind connect has no evaluator", page.Find("#sweep-edit-error").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("#save-sweep").HasAttribute("disabled"));
        Assert.Empty(Sweeps.Edited);
    }

    /// <summary>The editor on a connect sweep: no template, evaluator or baselines; its points vary fusion connect's options.</summary>
    private IRenderedComponent<EditSweep> RenderConnectEdit()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId) with { SpecText = Connect, SpecDirectory = "/models" };
        return RenderEdit();
    }

    private IRenderedComponent<EditSweep> RenderEdit() => Render<EditSweep>(p => p.Add(c => c.SweepId, SweepId));
}

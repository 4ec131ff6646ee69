using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Specs;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class NewMergeTests : DashboardTestContext
{
    private const string ValidSpec = "merge_method: linear\nmodels:\n  - model: base\n  - model: ft-1\ndtype: bfloat16\n";

    public NewMergeTests() => SignInAs(DashboardRoles.Operator, "olga");

    [Fact]
    public void Viewer_gets_no_editor()
    {
        SignInAs(DashboardRoles.Viewer);

        var page = Render<NewMerge>();

        Assert.Contains("Only operators can submit merges", page.Find("#new-merge-refused").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#spec-editor"));
    }

    [Fact]
    public void Empty_editor_says_what_to_do_and_cannot_preview()
    {
        var page = Render<NewMerge>();

        Assert.Contains("the spec is empty", page.Find("#spec-error").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("#preview-plan").HasAttribute("disabled"));
        Assert.True(page.Find("#submit-merge").HasAttribute("disabled"));
        Assert.NotNull(page.Find("#no-preview"));
    }

    [Fact]
    public void A_spec_longer_than_the_limit_is_reported_as_too_large_and_cannot_be_submitted()
    {
        var page = Render<NewMerge>();
        var editor = page.Find("#spec-editor");

        // The editor takes one character more than a spec may have, so a longer paste is cut to a text reported as too long.
        Assert.Equal(SpecEditorLimits.MaxCharacters.ToString(System.Globalization.CultureInfo.InvariantCulture), editor.GetAttribute("maxlength"));
        editor.Input(ValidSpec + "# " + new string('x', SpecEditorLimits.MaxCharacters - ValidSpec.Length - 2));

        Assert.Contains($"the limit is {FusionCluster.Core.Specs.Yaml.SpecLimits.MaxCharacters}", page.Find("#spec-error").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("#submit-merge").HasAttribute("disabled"));
    }

    [Fact]
    public void Typing_validates_at_once_naming_key_and_line()
    {
        var page = Render<NewMerge>();

        page.Find("#spec-editor").Input("merge_method: linear\nmodles:\n  - model: base\n");

        var error = page.Find("#spec-error").TextContent;
        Assert.Contains("spec.yaml line 2: modles: unknown key 'modles'", error, StringComparison.Ordinal);
        Assert.Equal("2: modles:", page.Find(".error-line").TextContent);

        page.Find("#spec-editor").Input(ValidSpec);

        Assert.Contains("Valid: linear over 2 models", page.Find("#spec-validation").TextContent, StringComparison.Ordinal);
        Assert.False(page.Find("#preview-plan").HasAttribute("disabled"));
    }

    [Fact]
    public void Example_fills_the_editor()
    {
        var page = Render<NewMerge>();

        page.FindAll(".example-button").Single(b => b.TextContent.Trim() == "ties").Click();

        Assert.Contains("merge_method: ties", page.Find("#spec-editor").GetAttribute("value"), StringComparison.Ordinal);
        Assert.Contains("Valid: ties over 3 models (base: base)", page.Find("#spec-validation").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_shows_units_bytes_and_shards_then_submit_goes_to_the_job()
    {
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);
        Assert.True(page.Find("#submit-merge").HasAttribute("disabled"));

        page.Find("#preview-plan").Click();

        page.WaitForAssertion(() => Assert.Equal("4", page.Find("#preview-units").TextContent));
        Assert.Equal("3.0 MiB", page.Find("#preview-input-bytes").TextContent);
        Assert.Equal("model.safetensors", page.Find("#preview-shards").TextContent);
        var previewed = Assert.Single(Cluster.Previewed);
        Assert.Equal("/models", previewed.SpecDirectory);
        Assert.Equal("/results/merged", previewed.Output);

        page.Find("#submit-merge").Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.Matches(@"/jobs/\d{8}-\d{6}-[0-9a-f]{6}$", navigation.Uri));
        var (_, request) = Assert.Single(Cluster.Started);
        Assert.Equal(ValidSpec, request.SpecText);
        Assert.Equal("olga", request.SubmittedBy);
    }

    [Fact]
    public void Submit_carries_the_chosen_device_and_input_hash()
    {
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);
        page.Find(".input-hash-field input").Change(true);
        page.FindAll(".device-field label.mud-radio").Single(l => l.TextContent.Trim().StartsWith("cuda", StringComparison.Ordinal)).QuerySelector("input")!.Click();

        page.Find("#preview-plan").Click();
        page.WaitForAssertion(() => Assert.False(page.Find("#submit-merge").HasAttribute("disabled")));
        page.Find("#submit-merge").Click();

        page.WaitForAssertion(() => Assert.Single(Cluster.Started));
        var (_, request) = Cluster.Started.Single();
        Assert.Equal(InputHashMode.Full, request.InputHash);
        Assert.Equal("cuda", request.Device);
    }

    [Fact]
    public void Submit_by_default_lets_the_cluster_pick_the_device_and_hashes_headers_only()
    {
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);
        page.Find("#preview-plan").Click();
        page.WaitForAssertion(() => Assert.False(page.Find("#submit-merge").HasAttribute("disabled")));
        page.Find("#submit-merge").Click();

        page.WaitForAssertion(() => Assert.Single(Cluster.Started));
        var (_, request) = Cluster.Started.Single();
        Assert.Equal(InputHashMode.Header, request.InputHash);
        Assert.Equal("auto", request.Device);
    }

    [Fact]
    public void Changing_the_spec_after_preview_needs_another_preview()
    {
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);
        page.Find("#preview-plan").Click();
        page.WaitForAssertion(() => Assert.False(page.Find("#submit-merge").HasAttribute("disabled")));

        page.Find("#spec-editor").Input(ValidSpec + "out_dtype: float16\n");

        Assert.True(page.Find("#submit-merge").HasAttribute("disabled"));
        Assert.Contains("preview again", page.Find("#plan-preview").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Planner_error_is_shown_and_blocks_submit()
    {
        Cluster.Preview = new PlanPreview { Error = "model 'ft-1': /models/ft-1 does not exist" };
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);

        page.Find("#preview-plan").Click();

        page.WaitForAssertion(() => Assert.Contains("/models/ft-1 does not exist", page.Find("#plan-error").TextContent, StringComparison.Ordinal));
        Assert.True(page.Find("#submit-merge").HasAttribute("disabled"));
    }

    [Fact]
    public void Unreachable_planner_is_an_error()
    {
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);
        Cluster.Failure = new TimeoutException("response did not arrive on time");

        page.Find("#preview-plan").Click();

        page.WaitForAssertion(() => Assert.Contains("The planner did not answer: response did not arrive on time", page.Find("#plan-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_seed_is_named()
    {
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);
        page.Find(".seed-field input").Input("-3");

        page.Find("#preview-plan").Click();

        Assert.Contains("Seed: '-3'", page.Find("#input-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(Cluster.Previewed);
    }

    [Fact]
    public void Job_that_fails_to_plan_stays_here_with_the_reason()
    {
        // The cluster takes the job, but planning it fails (for example the output already holds a model).
        Cluster.StartError = "/results/merged already holds a model; tick 'Replace a model already at the output'";
        var page = Render<NewMerge>();
        var navigation = Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;
        page.Find("#spec-editor").Input(ValidSpec);
        page.Find("#preview-plan").Click();
        page.WaitForAssertion(() => Assert.False(page.Find("#submit-merge").HasAttribute("disabled")));

        page.Find("#submit-merge").Click();

        page.WaitForAssertion(() => Assert.Contains("failed to start: /results/merged already holds a model", page.Find("#submit-error").TextContent, StringComparison.Ordinal));
        Assert.Equal(before, navigation.Uri);
    }

    [Fact]
    public void Operator_who_lost_the_role_cannot_submit()
    {
        var page = Render<NewMerge>();
        page.Find("#spec-editor").Input(ValidSpec);
        page.Find("#preview-plan").Click();
        page.WaitForAssertion(() => Assert.False(page.Find("#submit-merge").HasAttribute("disabled")));

        SignInAs(DashboardRoles.Viewer);
        page.Find("#submit-merge").Click();

        page.WaitForAssertion(() => Assert.Contains("only operators may submit merges", page.Find("#submit-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(Cluster.Started);
    }

    [Fact]
    public void Clone_starts_the_editor_from_the_jobs_spec_and_name()
    {
        Cluster.Statuses["job-7"] = Samples.Succeeded("job-7", 3) with { SpecText = ValidSpec, SpecName = "mine.yaml", Device = "cpu" };
        Services.GetRequiredService<NavigationManager>().NavigateTo("jobs/new?from=job-7");

        var page = Render<NewMerge>();

        Assert.Equal(ValidSpec, page.Find("#spec-editor").GetAttribute("value"));
        Assert.Contains("job-7", page.Find("#clone-notice").TextContent, StringComparison.Ordinal);
        Assert.Contains("Valid: linear over 2 models", page.Find("#spec-validation").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_of_an_unknown_job_says_so()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("jobs/new?from=job-404");

        Assert.Contains("job-404 has no spec", Render<NewMerge>().Find("#clone-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_editor_marks_an_unknown_parameter_at_its_line_in_the_gutter_and_behind_the_text()
    {
        var page = Render<NewMerge>();

        page.Find("#spec-editor").Input("merge_method: ties\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters:\n      weight: 0.5\n      densty: 0.5\n");

        Assert.Equal("7", page.Find("#spec-editor-error-marker").GetAttribute("data-line"));
        var gutter = page.FindAll(".code-gutter .gutter-line");
        Assert.Equal(8, gutter.Count);
        Assert.Equal([7], gutter.Select((g, i) => (g, i)).Where(x => x.g.ClassList.Contains("gutter-error")).Select(x => x.i + 1));
        Assert.Equal("true", page.Find("#spec-editor").GetAttribute("aria-invalid"));
        Assert.Contains("has no parameter 'densty'", page.Find("#spec-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".spec-valid"));
    }
}

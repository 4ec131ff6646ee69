using Bunit;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Specs;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class SpecCodeEditorTests : DashboardTestContext
{
    [Fact]
    public void Monaco_is_mounted_over_the_textarea_and_given_the_error_at_its_line()
    {
        var module = JSInterop.SetupModule("./spec-editor.js");

        var editor = Render<SpecCodeEditor>(p => p
            .Add(e => e.Value, "merge_method: ties\nx: 1\n")
            .Add(e => e.ErrorLine, 2)
            .Add(e => e.ErrorMessage, "spec.yaml line 2: unknown key 'x'"));

        var mount = module.VerifyInvoke("mount");
        Assert.Equal("Spec (YAML)", mount.Arguments[3]);
        var error = module.VerifyInvoke("setError");
        Assert.Equal(["spec-editor", 2, "spec.yaml line 2: unknown key 'x'"], error.Arguments);
        Assert.Equal("2", editor.Find("#spec-editor-error-marker").GetAttribute("data-line"));
    }

    [Fact]
    public void Text_typed_in_monaco_reaches_the_caller_and_a_new_value_reaches_monaco()
    {
        var module = JSInterop.SetupModule("./spec-editor.js");
        var typed = "";
        var editor = Render<SpecCodeEditor>(p => p
            .Add(e => e.Value, "a: 1\n")
            .Add(e => e.ValueChanged, (string v) => typed = v));

        editor.InvokeAsync(() => editor.Instance.TextChanged("a: 2\n"));
        editor.Render(p => p.Add(e => e.Value, "merge_method: linear\n"));

        Assert.Equal("a: 2\n", typed);
        var set = module.VerifyInvoke("setText");
        Assert.Equal(["spec-editor", "merge_method: linear\n"], set.Arguments);
        Assert.Equal("merge_method: linear\n", editor.Find("#spec-editor").GetAttribute("value"));
    }

    [Fact]
    public void Monaco_asks_the_registry_for_completions()
    {
        JSInterop.SetupModule("./spec-editor.js");
        var editor = Render<SpecCodeEditor>();

        var suggestions = editor.Instance.Complete("merge_method: sl", 1, 17);

        Assert.Contains(suggestions, c => c.Label == "slerp");
    }

    [Fact]
    public void Without_its_script_the_textarea_edits_and_marks_the_line()
    {
        JSInterop.SetupModule("./spec-editor.js").SetupVoid("mount").SetException(new Microsoft.JSInterop.JSException("no monaco"));
        var typed = "";
        var editor = Render<SpecCodeEditor>(p => p
            .Add(e => e.ValueChanged, (string v) => typed = v)
            .Add(e => e.ErrorLine, 1)
            .Add(e => e.ErrorMessage, "bad"));

        editor.Find("#spec-editor").Input("merge_method: linear\n");

        Assert.Equal("merge_method: linear\n", typed);
        Assert.Contains("gutter-error", editor.FindAll(".gutter-line")[0].ClassList);
        Assert.Equal("true", editor.Find("#spec-editor").GetAttribute("aria-invalid"));
    }
}

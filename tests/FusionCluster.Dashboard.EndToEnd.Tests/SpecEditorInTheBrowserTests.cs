using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// The Monaco spec editor in a real chromium: text typed into it is validated by the server's check, the error
/// is drawn at its line (marker, tinted line, margin mark beside the line number), and completion offers the
/// registry's method names.
/// </summary>
public sealed class SpecEditorInTheBrowserTests(DashboardHost host)
{
    private const string Densty = "merge_method: ties\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters:\n      weight: 0.5\n      densty: 0.5\n";

    [Fact]
    public async Task The_editor_marks_densty_at_its_line_and_completes_method_names()
    {
        var screenshots = Path.Combine(host.ResultsDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        await using var session = await host.SignInAsync(DashboardHost.OperatorName, DashboardHost.OperatorPassword);
        var page = session.Page;
        await page.GotoAsync(session.Url("/jobs/new"));
        await Assertions.Expect(page.Locator(".spec-code-editor.monaco-ready .monaco-host > .monaco-editor")).ToBeVisibleAsync();

        await MonacoEditor.PasteAsync(page, Densty);

        await Assertions.Expect(page.Locator("#spec-error")).ToContainTextAsync("has no parameter 'densty'");
        Assert.Equal(Densty, await page.InputValueAsync("#spec-editor"));
        await Assertions.Expect(page.Locator(".spec-valid")).ToHaveCountAsync(0);
        var markedNumber = page.Locator(".margin-view-overlays > div:has(.spec-error-glyph) .line-numbers");
        await Assertions.Expect(markedNumber).ToHaveTextAsync("7");
        await Assertions.Expect(page.Locator(".monaco-host .squiggly-error")).ToHaveCountAsync(1);
        var marker = await page.EvaluateAsync<int[]>("monaco.editor.getModelMarkers({ owner: 'fusion-spec' }).map(m => m.startLineNumber)");
        Assert.Equal([7], marker);
        await session.ScreenshotAsync(screenshots, "30-spec-editor-densty");

        // Fixing the typo clears the marks and the verdict turns valid.
        await MonacoEditor.PasteAsync(page, Densty.Replace("densty", "density", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#spec-validation")).ToContainTextAsync("Valid: ties");
        await Assertions.Expect(page.Locator(".spec-error-glyph")).ToHaveCountAsync(0);

        await page.Keyboard.PressAsync("Control+a");
        await page.Keyboard.InsertTextAsync("merge_method: sle");
        await page.Keyboard.PressAsync("Control+Space");
        await Assertions.Expect(page.Locator(".suggest-widget .monaco-list-row").First).ToContainTextAsync("slerp");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#spec-editor")).ToHaveValueAsync("merge_method: slerp");
        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }
}

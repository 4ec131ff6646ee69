using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>Drives the Monaco spec editor as a user does.</summary>
public static class MonacoEditor
{
    /// <summary>Waits until Monaco has replaced the textarea, focuses it, selects everything and pastes <paramref name="text"/> over it.</summary>
    /// <remarks>
    /// A paste into Monaco's input, as Ctrl+V delivers it: typing the text would let auto-indent re-indent each
    /// new line, and headless chromium has no system clipboard to paste from.
    /// </remarks>
    public static async Task PasteAsync(IPage page, string text)
    {
        await Assertions.Expect(page.Locator(".spec-code-editor.monaco-ready .monaco-host > .monaco-editor")).ToBeVisibleAsync();
        await page.ClickAsync(".monaco-host .view-lines");
        await page.Keyboard.PressAsync("Control+a");
        await page.EvaluateAsync(
            "text => { const data = new DataTransfer(); data.setData('text/plain', text); " +
            "document.querySelector('.monaco-host textarea').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })); }",
            text);
    }
}

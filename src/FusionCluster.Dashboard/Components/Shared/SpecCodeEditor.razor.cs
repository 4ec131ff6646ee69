using FusionCluster.Dashboard.Specs;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FusionCluster.Dashboard.Components.Shared;

/// <summary>
/// A YAML spec editor: Monaco with highlighting, line numbers and completion of method and parameter names
/// (<see cref="SpecCompletions"/>), over a plain textarea that works without script. The caller validates
/// (<see cref="SpecCheck"/>) and passes the error and its line back; both editors mark that line.
/// </summary>
public sealed partial class SpecCodeEditor
{
    private ElementReference host;
    private ElementReference textarea;
    private IJSObjectReference? module;
    private DotNetObjectReference<SpecCodeEditor>? self;
    private string? shownText;
    private (int? Line, string? Message) shownError;
    private bool mounted;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ILogger<SpecCodeEditor> Log { get; set; } = default!;

    /// <summary>The textarea's id (and the prefix of the other elements' ids).</summary>
    [Parameter]
    public string Id { get; set; } = "spec-editor";

    [Parameter]
    public string Value { get; set; } = "";

    [Parameter]
    public EventCallback<string> ValueChanged { get; set; }

    /// <summary>The validator's error, or null when the text is valid.</summary>
    [Parameter]
    public string? ErrorMessage { get; set; }

    /// <summary>The 1-based line the error names, when it names one.</summary>
    [Parameter]
    public int? ErrorLine { get; set; }

    [Parameter]
    public string Label { get; set; } = "Spec (YAML)";

    /// <summary>The id of the element that shows the verdict in words.</summary>
    [Parameter]
    public string? DescribedBy { get; set; }

    [Parameter]
    public int MinRows { get; set; } = 22;

    /// <summary>Whether Monaco completes merge method, parameter and key names (for merge specs, not sweep files).</summary>
    [Parameter]
    public bool CompletesNames { get; set; } = true;

    private int LineCount => Value.Length == 0 ? 1 : Value.Count(c => c == '\n') + 1;

    /// <summary>Called by the script on every change in Monaco.</summary>
    [JSInvokable]
    public Task TextChanged(string text)
    {
        shownText = text;
        return ChangeAsync(text);
    }

    /// <summary>Called by the script when Monaco asks for suggestions at a cursor.</summary>
    [JSInvokable]
    public IReadOnlyList<SpecCompletion> Complete(string text, int line, int column) => CompletesNames ? SpecCompletions.At(text, line, column) : [];

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                await module.InvokeVoidAsync("unmount", Id);
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and with it the page the editor lived in.
            }
        }

        self?.Dispose();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            try
            {
                module = await JS.InvokeAsync<IJSObjectReference>("import", "./spec-editor.js");
                self = DotNetObjectReference.Create(this);
                await module.InvokeVoidAsync("mount", host, textarea, self, Label);
                mounted = module is not null;
                shownText = Value;
            }
            catch (JSException e)
            {
                // The textarea stays the editor; it validates and marks lines all the same.
                Log.LogWarning("The spec editor's script did not load ({Reason}); the plain editor is used", e.Message);
                return;
            }
        }

        if (!mounted || module is null)
        {
            return;
        }

        if (shownText != Value)
        {
            shownText = Value;
            await module.InvokeVoidAsync("setText", Id, Value);
        }

        if (shownError != (ErrorLine, ErrorMessage))
        {
            shownError = (ErrorLine, ErrorMessage);
            await module.InvokeVoidAsync("setError", Id, ErrorLine, ErrorMessage);
        }
    }

    private Task OnInputAsync(ChangeEventArgs e) => ChangeAsync(e.Value as string ?? "");

    private async Task ChangeAsync(string text)
    {
        Value = text;
        await ValueChanged.InvokeAsync(text);
    }
}

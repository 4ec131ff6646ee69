using FusionCluster.Dashboard.Artifacts;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// What the pages of published results (connect, benchmarks) share: a read bound to the page's lifetime, shown as
/// loading until it ends, and a store or document error kept as the page's message instead of breaking the circuit.
/// </summary>
public abstract class PublishedResultPage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource lifetime = new();

    protected bool Loaded { get; private set; }

    protected string? LoadError { get; private set; }

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs <paramref name="read"/> with the page's lifetime token; an <see cref="ArtifactException"/> becomes <see cref="LoadError"/>.</summary>
    protected async Task ReadAsync(Func<CancellationToken, Task> read)
    {
        (Loaded, LoadError) = (false, null);
        try
        {
            await read(lifetime.Token);
        }
        catch (ArtifactException e)
        {
            LoadError = e.Message;
        }

        Loaded = true;
    }
}

using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Security;

namespace FusionCluster.Dashboard.Artifacts;

/// <summary>
/// Results published one level below a configured location (a folder within the data roots, or
/// az://container/prefix), read through the same stores merges are read with: connect results, benchmark results.
/// A result is listed only once its manifest is there (--publish writes it last); errors are redacted.
/// </summary>
/// <typeparam name="TView">What the result's document reads as.</typeparam>
public abstract class PublishedResultCatalog<TView>(ArtifactStores stores, SecretRedactor redactor)
    where TView : class
{
    /// <summary>At most this many results are read for the list (newest names first would need every file read).</summary>
    public const int MaxListed = 500;

    /// <summary>The configured location, without a trailing slash; empty when none is configured.</summary>
    public abstract string Root { get; }

    public bool Configured => Root.Length > 0;

    /// <summary>The setting that configures <see cref="Root"/>, as messages name it.</summary>
    protected abstract string Setting { get; }

    /// <summary>What one result is called in messages ("connect result").</summary>
    protected abstract string What { get; }

    protected abstract string DocumentFileName { get; }

    protected abstract string PlotFileName { get; }

    /// <summary>Every published result, each read and checked: a bad file is an entry with its error, not a failure of the list.</summary>
    /// <exception cref="ArtifactException">The root cannot be listed.</exception>
    public async Task<IReadOnlyList<PublishedResultEntry<TView>>> ListAsync(CancellationToken cancellationToken)
    {
        var names = await Guard(() => stores.ListPublishedFoldersAsync(Root, cancellationToken));
        var entries = new List<PublishedResultEntry<TView>>();
        foreach (var name in names.Take(MaxListed))
        {
            try
            {
                var (view, hasPlot) = await ReadAsync(name, cancellationToken);
                entries.Add(view is null
                    ? new PublishedResultEntry<TView>(name, null, $"{Describe(name, DocumentFileName)}: not published there (its manifest does not list it)", false)
                    : new PublishedResultEntry<TView>(name, view, null, hasPlot));
            }
            catch (ArtifactException e)
            {
                entries.Add(new PublishedResultEntry<TView>(name, null, e.Message, false));
            }
        }

        return entries
            .OrderByDescending(e => e.View is null ? DateTimeOffset.MinValue : CreatedAt(e.View) ?? DateTimeOffset.MinValue)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The result called <paramref name="name"/>, or null when none is published under that name.</summary>
    /// <exception cref="ArtifactException">The name is not a plain name, or its document cannot be read or is not such a result.</exception>
    public async Task<(TView? View, bool HasPlot)> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var location = Location(name);
        var files = await Guard(() => stores.ListPublishedAsync(location, cancellationToken));
        var document = files.FirstOrDefault(f => f.Name == DocumentFileName);
        await using var stream = document is not null
            ? await Guard(() => stores.OpenPublishedAsync(location, DocumentFileName, cancellationToken))
            : null;
        if (stream is null)
        {
            return (null, false);
        }

        var view = await ParseAsync(stream, Describe(name, DocumentFileName), name, document!.LastModified, cancellationToken);
        return (view, files.Any(f => f.Name == PlotFileName));
    }

    /// <summary>The result's plot, or null when it has none.</summary>
    /// <exception cref="ArtifactException">The name is not a plain name, or the store cannot be read.</exception>
    public Task<Stream?> OpenPlotAsync(string name, CancellationToken cancellationToken)
    {
        var location = Location(name);
        return Guard(() => stores.OpenPublishedAsync(location, PlotFileName, cancellationToken));
    }

    /// <param name="where">The file as messages name it.</param>
    /// <param name="fallbackName">The result's folder name, for documents that carry none.</param>
    /// <param name="publishedAt">When the store says the document was written, where it knows.</param>
    /// <exception cref="ArtifactException">The document is not such a result; the message names <paramref name="where"/>.</exception>
    protected abstract Task<TView> ParseAsync(Stream stream, string where, string fallbackName, DateTimeOffset? publishedAt, CancellationToken cancellationToken);

    /// <summary>When the result was made, for the newest-first order; null sorts last.</summary>
    protected abstract DateTimeOffset? CreatedAt(TView view);

    private string Location(string name)
    {
        if (!Configured)
        {
            throw new ArtifactException($"no {What}s location is configured ({Setting})");
        }

        try
        {
            StorageNames.CheckFileName(name);
        }
        catch (StorageException)
        {
            throw new ArtifactException($"'{name}' is not a {What}'s name");
        }

        return Root.Contains("://", StringComparison.Ordinal) ? $"{Root}/{name}" : Path.Combine(Root, name);
    }

    private string Describe(string name, string file) => redactor.Redact($"{Location(name)}/{file}");

    private async Task<T> Guard<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            throw new ArtifactException(redactor.Redact(e.Message));
        }
    }
}

using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Connectivity;

/// <summary>
/// The connect results published one level below Fusion:Dashboard:ConnectResults (a folder within the data
/// roots, or az://container/prefix), read through the same stores merges are read with. A result is listed only
/// once its manifest is there (<c>fusion connect --publish</c> writes it last); errors are redacted.
/// </summary>
public sealed class ConnectResultCatalog(ArtifactStores stores, SecretRedactor redactor, IOptions<DashboardOptions> options)
{
    /// <summary>At most this many results are read for the list (newest names first would need every file read).</summary>
    public const int MaxListed = 500;

    public string Root => options.Value.ConnectResults.TrimEnd('/');

    public bool Configured => Root.Length > 0;

    /// <summary>Every published result, each read and checked: a bad file is an entry with its error, not a failure of the list.</summary>
    /// <exception cref="ArtifactException">The root cannot be listed.</exception>
    public async Task<IReadOnlyList<ConnectResultEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var names = await Guard(() => stores.ListPublishedFoldersAsync(Root, cancellationToken));
        var entries = new List<ConnectResultEntry>();
        foreach (var name in names.Take(MaxListed))
        {
            try
            {
                var (view, hasPlot) = await ReadAsync(name, cancellationToken);
                entries.Add(view is null
                    ? new ConnectResultEntry(name, null, $"{Describe(name, ConnectResultLayout.DocumentFileName)}: not published there (its manifest does not list it)", false)
                    : new ConnectResultEntry(name, view, null, hasPlot));
            }
            catch (ArtifactException e)
            {
                entries.Add(new ConnectResultEntry(name, null, e.Message, false));
            }
        }

        return entries
            .OrderByDescending(e => e.View?.CreatedAt ?? DateTimeOffset.MinValue)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The result called <paramref name="name"/>, or null when none is published under that name.</summary>
    /// <exception cref="ArtifactException">The name is not a plain name, or its connect.json cannot be read or is not a connect result.</exception>
    public async Task<(ConnectResultView? View, bool HasPlot)> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var location = Location(name);
        var files = await Guard(() => stores.ListPublishedAsync(location, cancellationToken));
        await using var stream = files.Any(f => f.Name == ConnectResultLayout.DocumentFileName)
            ? await Guard(() => stores.OpenPublishedAsync(location, ConnectResultLayout.DocumentFileName, cancellationToken))
            : null;
        if (stream is null)
        {
            return (null, false);
        }

        var view = await ConnectResultReader.ReadAsync(stream, Describe(name, ConnectResultLayout.DocumentFileName), name, cancellationToken);
        return (view, files.Any(f => f.Name == ConnectResultLayout.PlotFileName));
    }

    /// <summary>The result's connect.png, or null when it has none.</summary>
    /// <exception cref="ArtifactException">The name is not a plain name, or the store cannot be read.</exception>
    public Task<Stream?> OpenPlotAsync(string name, CancellationToken cancellationToken)
    {
        var location = Location(name);
        return Guard(() => stores.OpenPublishedAsync(location, ConnectResultLayout.PlotFileName, cancellationToken));
    }

    private string Location(string name)
    {
        if (!Configured)
        {
            throw new ArtifactException("no connect results location is configured (Fusion:Dashboard:ConnectResults)");
        }

        try
        {
            StorageNames.CheckFileName(name);
        }
        catch (StorageException)
        {
            throw new ArtifactException($"'{name}' is not a connect result's name");
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

using System.Text;
using FusionCluster.Dashboard.Artifacts;

namespace FusionCluster.Dashboard.Tests.Fakes;

public sealed class FakeArtifactBrowser : IArtifactBrowser
{
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public ArtifactException? Failure { get; set; }

    public Task<IReadOnlyList<ArtifactFile>> ListAsync(string location, CancellationToken cancellationToken) =>
        Failure is not null
            ? throw Failure
            : Task.FromResult<IReadOnlyList<ArtifactFile>>(Files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new ArtifactFile(f.Key, Encoding.UTF8.GetByteCount(f.Value), DateTimeOffset.UnixEpoch)).ToList());

    public Task<Stream?> OpenReadAsync(string location, string name, CancellationToken cancellationToken) =>
        Failure is not null
            ? throw Failure
            : Task.FromResult<Stream?>(Files.TryGetValue(name, out var text) ? new MemoryStream(Encoding.UTF8.GetBytes(text)) : null);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Notifications;

/// <summary>
/// The webhooks operators configured, kept in one JSON file (<see cref="WebhookOptions.File"/>) so they survive a
/// restart. Written whole to a temporary file and moved over the old one, owner-readable only: the URLs are secrets.
/// </summary>
public sealed class WebhookStore(IOptions<WebhookOptions> options)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
    private readonly Lock gate = new();
    private IReadOnlyList<WebhookSubscription>? cached;

    public IReadOnlyList<WebhookSubscription> List()
    {
        lock (gate)
        {
            return cached ??= Read();
        }
    }

    /// <exception cref="ArgumentException">The URL is not an http(s) URL, or no event is chosen.</exception>
    public WebhookSubscription Add(string url, IReadOnlyCollection<NotificationKind> kinds)
    {
        var uri = WebhookUrl.Parse(url);
        if (kinds.Count == 0)
        {
            throw new ArgumentException("choose at least one event the webhook is told about", nameof(kinds));
        }

        var added = new WebhookSubscription(Guid.NewGuid().ToString("N")[..12], uri.ToString(), [.. kinds.Distinct().Order()]);
        lock (gate)
        {
            Write([.. List(), added]);
        }

        return added;
    }

    /// <returns>False when no webhook has that id.</returns>
    public bool Remove(string id)
    {
        lock (gate)
        {
            var all = List();
            var kept = all.Where(w => w.Id != id).ToList();
            if (kept.Count == all.Count)
            {
                return false;
            }

            Write(kept);
            return true;
        }
    }

    private IReadOnlyList<WebhookSubscription> Read()
    {
        var path = options.Value.ResolvedFile;
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<WebhookSubscription>>(File.ReadAllText(path), Json) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"the webhook settings {path} are not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }

    private void Write(IReadOnlyList<WebhookSubscription> all)
    {
        var path = options.Value.ResolvedFile;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A new name each time, created exclusively and owner-only from its first byte: a fixed name could be a link
        // someone planted (followed by an ordinary create), and a mode set after writing leaves the URLs readable meanwhile.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, create))
        {
            JsonSerializer.Serialize(stream, all, Json);
        }

        File.Move(temporary, path, overwrite: true);
        cached = all;
    }
}

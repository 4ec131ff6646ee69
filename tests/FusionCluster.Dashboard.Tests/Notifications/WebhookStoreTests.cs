using FusionCluster.Dashboard.Notifications;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Tests.Notifications;

public sealed class WebhookStoreTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fc-webhooks-").FullName;

    private string File => Path.Combine(folder, "state", "webhooks.json");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Webhooks_survive_a_restart_in_an_owner_only_file_and_can_be_removed()
    {
        var added = Store().Add("https://hooks.slack.com/services/T1/B2/tok", [NotificationKind.SweepNewBest, NotificationKind.JobFailed, NotificationKind.JobFailed]);

        var reread = Store().List();

        var webhook = Assert.Single(reread);
        Assert.Equal(added.Id, webhook.Id);
        Assert.Equal("https://hooks.slack.com/services/T1/B2/tok", webhook.Url);
        Assert.Equal([NotificationKind.JobFailed, NotificationKind.SweepNewBest], webhook.Kinds);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
        }

        Assert.True(Store().Remove(added.Id));
        Assert.Empty(Store().List());
        Assert.False(Store().Remove(added.Id));
    }

    [Fact]
    public void A_link_planted_beside_the_file_is_not_written_through()
    {
        var victim = Path.Combine(folder, "victim");
        System.IO.File.WriteAllText(victim, "kept");
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        System.IO.File.CreateSymbolicLink(File + ".tmp", victim);

        Store().Add("https://hooks.slack.com/services/T1/B2/tok", [NotificationKind.JobFailed]);

        Assert.Equal("kept", System.IO.File.ReadAllText(victim));
        Assert.Single(Store().List());
        Assert.Equal([Path.GetFileName(File), Path.GetFileName(File) + ".tmp"], Directory.GetFileSystemEntries(Path.GetDirectoryName(File)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_webhook_needs_a_url_and_an_event()
    {
        Assert.Throws<ArgumentException>(() => Store().Add("https://example.org/hook", []));
        Assert.Throws<ArgumentException>(() => Store().Add("example.org/hook", [NotificationKind.JobFailed]));
        Assert.False(System.IO.File.Exists(File));
    }

    [Fact]
    public void A_damaged_file_is_named()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        System.IO.File.WriteAllText(File, "[{ not json");

        var error = Assert.Throws<InvalidOperationException>(() => Store().List());

        Assert.Contains(File, error.Message, StringComparison.Ordinal);
    }

    private WebhookStore Store() => new(Options.Create(new WebhookOptions { File = File }));
}

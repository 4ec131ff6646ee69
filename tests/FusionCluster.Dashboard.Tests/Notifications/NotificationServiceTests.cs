using System.Text.Json;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Notifications;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Tests.Notifications;

public sealed class NotificationServiceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fc-notify-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_failed_job_reaches_the_webhooks_that_asked_for_failures_only()
    {
        using var failures = new WebhookListener(503);
        using var successes = new WebhookListener();
        var options = Options.Create(new WebhookOptions { File = Path.Combine(folder, "webhooks.json"), FirstBackoff = TimeSpan.FromMilliseconds(20) });
        var store = new WebhookStore(options);
        store.Add(failures.Url, [NotificationKind.JobFailed]);
        store.Add(successes.Url, [NotificationKind.JobSucceeded]);
        using var http = new HttpClient();
        var sender = new WebhookSender(http, options, TimeProvider.System, new CapturingLogger<WebhookSender>());
        using var service = new NotificationService(
            new FakeClusterMonitor(), new FakeFusionSweeps(), store, sender, new SecretRedactor([]), Options.Create(new DashboardOptions()), TimeProvider.System, new CapturingLogger<NotificationService>());
        await service.StartAsync(Xunit.TestContext.Current.CancellationToken);

        service.ObserveJobs([Samples.Summary(1, JobState.Running)]);
        // The error quotes a SAS URL: pages redact it, and so must the message that leaves for a chat channel.
        service.ObserveJobs([Samples.Summary(1, JobState.Failed) with { Error = "out of memory reading https://acct.blob.core.windows.net/m/x?sv=2024&sig=s3cretsig" }]);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (failures.Requests.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Xunit.TestContext.Current.CancellationToken);
        }

        await service.StopAsync(Xunit.TestContext.Current.CancellationToken);
        var bodies = failures.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetString()).ToList();
        Assert.Equal(2, bodies.Count); // the 503 was retried
        Assert.All(bodies, b => Assert.Equal("Job job-001 (linear) failed (submitted by alice): out of memory reading https://acct.blob.core.windows.net/m/x?sv=2024&sig=***", b));
        Assert.Empty(successes.Requests);
    }
}

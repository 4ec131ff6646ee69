using System.Globalization;
using System.Net;
using System.Net.Http;
using FusionCluster.TestSupport;

namespace FusionCluster.Silo.Tests.Health;

/// <summary>A real fusion-silo's /healthz endpoints through start-up, joining, a hung watchdog and a stop.</summary>
public sealed class SiloHealthEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ready_flips_on_join_live_fails_while_the_watchdog_hangs_and_both_go_when_the_silo_stops()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var pauseFile = Path.Combine(folder.Path, "pause-watchdog");
        var healthPort = FreePort.Next();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ready = new Uri($"http://127.0.0.1:{healthPort.ToString(CultureInfo.InvariantCulture)}/healthz/ready");
        var live = new Uri($"http://127.0.0.1:{healthPort.ToString(CultureInfo.InvariantCulture)}/healthz/live");
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);

        // Poll readiness from the moment the process starts: the endpoint listens before the silo joins.
        using var startWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readyAnswersDuringStart = WatchAsync(http, ready, startWatch.Token);
        await using var silo = await FusionSiloProcess.StartAsync(
            redis.ConnectionString,
            "health-a",
            [
                "--health-port", healthPort.ToString(CultureInfo.InvariantCulture),
                "--Fusion:Silo:Health:HeartbeatInterval", "00:00:00.5",
                "--Fusion:Silo:Health:LiveTimeout", "00:00:03",
                "--Fusion:Silo:Health:PauseFile", pauseFile,
            ],
            cancellationToken: cancellationToken);
        await EventuallyAsync(() => StatusAsync(http, ready, cancellationToken), HttpStatusCode.OK, cancellationToken);
        await startWatch.CancelAsync();
        var startAnswers = await readyAnswersDuringStart;

        // Before the silo was Active the endpoint already answered, and said "not ready" (that it then says
        // "ready" is what the wait above saw; the watcher's last answer may predate it, so it proves nothing).
        Assert.Contains(HttpStatusCode.ServiceUnavailable, startAnswers);
        // The watchdog's first beat may land a moment after the silo turned Active (on a loaded machine more than
        // LiveTimeout after the health endpoint's first answer started the clock): live follows soon, not at once.
        await EventuallyAsync(() => StatusAsync(http, live, cancellationToken), HttpStatusCode.OK, cancellationToken);

        // A silo whose watchdog makes no progress is not live; readiness does not depend on it.
        await File.WriteAllTextAsync(pauseFile, "", cancellationToken);
        await EventuallyAsync(() => StatusAsync(http, live, cancellationToken), HttpStatusCode.ServiceUnavailable, cancellationToken);
        await EventuallyAsync(() => StatusAsync(http, ready, cancellationToken), HttpStatusCode.OK, cancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(http, live, cancellationToken));
        File.Delete(pauseFile);
        await EventuallyAsync(() => StatusAsync(http, live, cancellationToken), HttpStatusCode.OK, cancellationToken);

        Assert.Equal(0, await silo.StopAsync(Patience, cancellationToken));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(ready, cancellationToken));
    }

    [Fact]
    public async Task Ready_fails_when_redis_goes_away()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var healthPort = FreePort.Next();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ready = new Uri($"http://127.0.0.1:{healthPort.ToString(CultureInfo.InvariantCulture)}/healthz/ready");
        var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        await using var silo = await FusionSiloProcess.StartAsync(
            redis.ConnectionString,
            "health-b",
            ["--health-port", healthPort.ToString(CultureInfo.InvariantCulture), "--Fusion:Silo:Health:RedisTimeout", "00:00:01"],
            cancellationToken: cancellationToken);
        await EventuallyAsync(() => StatusAsync(http, ready, cancellationToken), HttpStatusCode.OK, cancellationToken);

        await redis.DisposeAsync();

        await EventuallyAsync(() => StatusAsync(http, ready, cancellationToken), HttpStatusCode.ServiceUnavailable, cancellationToken);
        silo.Kill();
    }

    /// <summary>Every answer until cancelled; a refused connection (not listening yet) is no answer.</summary>
    private static async Task<List<HttpStatusCode>> WatchAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        List<HttpStatusCode> answers = [];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(uri, cancellationToken);
                answers.Add(response.StatusCode);
                await Task.Delay(100, cancellationToken);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return answers;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, cancellationToken);
        return response.StatusCode;
    }

    private static async Task EventuallyAsync(Func<Task<HttpStatusCode>> read, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = (HttpStatusCode)0;
        while (DateTime.UtcNow < deadline)
        {
            last = await read();
            if (last == expected)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        Assert.Fail($"expected {expected} within {Patience.TotalSeconds} s; last answer {last}");
    }
}

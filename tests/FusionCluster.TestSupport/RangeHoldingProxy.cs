using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FusionCluster.TestSupport;

/// <summary>
/// A TCP proxy on a free loopback port in front of an HTTP/1.1 server (Azurite) that answers everything except
/// ranged reads from a given byte offset on: those wait, unanswered, until <see cref="Release"/>, as requests to a
/// storage service that hangs do. A checkpoint's header reads (bytes 0-7 and the JSON header) pass, its tensor
/// reads from the data section on hang, so a job plans and then its units stall in their first read.
/// </summary>
/// <remarks>
/// Requests are parsed only as far as their head and Content-Length body; a chunked request body makes the rest of
/// that connection pass through uninspected. Responses always pass through as they are.
/// </remarks>
public sealed class RangeHoldingProxy : IAsyncDisposable
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener listener;
    private readonly int upstreamPort;
    private readonly long holdFrom;
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource firstHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> connections = [];
    private readonly Task accepting;
    private int held;

    private RangeHoldingProxy(int upstreamPort, long holdFrom)
    {
        this.upstreamPort = upstreamPort;
        this.holdFrom = holdFrom;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Requests that have waited (or wait now) at the gate.</summary>
    public int HeldRequests => Volatile.Read(ref held);

    /// <summary>Completes when the first request is held.</summary>
    public Task FirstHeld => firstHeld.Task;

    /// <summary>
    /// Forwards to the server on <paramref name="upstreamPort"/>; GETs whose Range or x-ms-range starts at or after
    /// <paramref name="holdFrom"/> wait until <see cref="Release"/>.
    /// </summary>
    public static RangeHoldingProxy Start(int upstreamPort, long holdFrom) => new(upstreamPort, holdFrom);

    /// <summary>Forwards the held requests and every later one: the storage answers again.</summary>
    public void Release() => released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Task[] all;
        lock (connections)
        {
            all = [accepting, .. connections];
        }

        try
        {
            await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or TimeoutException)
        {
            // Connections end by cancellation or by their peer going away; either is how a proxy stops.
        }

        stopping.Dispose();
    }

    /// <summary>The first byte of a "bytes=START-[END]" range header in a request head, or null when it has none.</summary>
    public static long? RangeStart(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !(line[..colon].Equals("Range", StringComparison.OrdinalIgnoreCase) || line[..colon].Equals("x-ms-range", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var value = line[(colon + 1)..].Trim();
            var dash = value.IndexOf('-', StringComparison.Ordinal);
            if (value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) && dash > 6
                && long.TryParse(value.AsSpan(6, dash - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                return start;
            }
        }

        return null;
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (connections)
            {
                connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort, stopping.Token);
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
                var responses = upstream.GetStream().CopyToAsync(client.GetStream(), ended.Token);
                var requests = ForwardRequestsAsync(client.GetStream(), upstream.GetStream(), ended.Token);
                // Either side closing ends the connection; the other copy is then cancelled.
                await Task.WhenAny(responses, requests);
                await ended.CancelAsync();
                await Task.WhenAll(responses, requests);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // A peer hung up or the proxy stops.
            }
        }
    }

    private async Task ForwardRequestsAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            int end;
            while ((end = buffer.AsSpan(0, filled).IndexOf(HeadEnd)) < 0)
            {
                if (filled == buffer.Length)
                {
                    throw new IOException("request head over 64 KiB");
                }

                var read = await from.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return;
                }

                filled += read;
            }

            var headLength = end + HeadEnd.Length;
            var head = Encoding.ASCII.GetString(buffer, 0, headLength);
            if (RangeStart(head) >= holdFrom && !released.Task.IsCompleted)
            {
                Interlocked.Increment(ref held);
                firstHeld.TrySetResult();
                await released.Task.WaitAsync(cancellationToken);
            }

            await to.WriteAsync(buffer.AsMemory(0, headLength), cancellationToken);
            if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                await to.WriteAsync(buffer.AsMemory(headLength, filled - headLength), cancellationToken);
                await from.CopyToAsync(to, cancellationToken);
                return;
            }

            // The body: what is buffered already, then the rest straight from the client.
            var body = ContentLength(head);
            var buffered = (int)Math.Min(body, filled - headLength);
            await to.WriteAsync(buffer.AsMemory(headLength, buffered), cancellationToken);
            for (var left = body - buffered; left > 0;)
            {
                var read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
                if (read == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                left -= read;
            }

            var consumed = headLength + buffered;
            var rest = buffered < body ? 0 : filled - consumed;
            buffer.AsSpan(consumed, rest).CopyTo(buffer);
            filled = rest;
        }
    }

    private static long ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line.AsSpan(15).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return length;
            }
        }

        return 0;
    }
}

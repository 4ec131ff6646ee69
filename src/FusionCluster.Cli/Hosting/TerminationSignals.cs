using System.Runtime.InteropServices;

namespace FusionCluster.Cli.Hosting;

/// <summary>
/// The process's only handler of Ctrl-C (SIGINT) and SIGTERM. The first signal cancels <see cref="Token"/>: the
/// running verb stops its units, removes its staging and returns, and <see cref="ExitCode"/> then reports the
/// signal (130 for SIGINT, 143 for SIGTERM). A second signal is left to the runtime's default, which ends the
/// process at once, for someone who will not wait for the clean-up.
/// </summary>
/// <remarks>
/// Nothing else in the process may handle these signals: an embedded host's console lifetime would stop the
/// silo under the running job, and System.CommandLine's own handler returns from the verb after two seconds
/// whether or not its clean-up has finished (see FusionCluster.Client.SignalFreeHostLifetime and Program.cs).
/// </remarks>
public sealed class TerminationSignals : IDisposable
{
    public const int InterruptExitCode = 130;

    public const int TerminateExitCode = 143;

    /// <summary>How soon after the first signal a second one still counts as the same request.</summary>
    public static readonly TimeSpan RepeatGrace = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource cancellation = new();
    private readonly System.Diagnostics.Stopwatch sinceFirst = new();
    private readonly PosixSignalRegistration[] registrations;
    private int signalCount;
    private PosixSignal? received;

    public TerminationSignals()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => cancellation.Token;

    /// <summary>The exit code for a verb that returned <paramref name="verbExitCode"/>: a cancelled verb (130) ended by SIGTERM exits 143.</summary>
    public int ExitCode(int verbExitCode) =>
        verbExitCode == InterruptExitCode && received == PosixSignal.SIGTERM ? TerminateExitCode : verbExitCode;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref signalCount) > 1)
        {
            context.Cancel = sinceFirst.Elapsed < RepeatGrace;
            return;
        }

        sinceFirst.Start();
        received = context.Signal;
        context.Cancel = true;
        System.Console.Error.WriteLine();
        System.Console.Error.WriteLine($"{(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C")}: stopping cleanly (send it again to quit at once, leaving staged output behind)");
        cancellation.Cancel();
    }
}

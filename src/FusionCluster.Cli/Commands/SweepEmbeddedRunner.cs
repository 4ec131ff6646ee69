using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Hosting;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// Runs sweeps on a silo inside this process (fusion sweep run sweep.yaml without a cluster): the same
/// sweep, job, worker and evaluator grains as a cluster, so one machine is enough to try a sweep.
/// </summary>
public sealed class SweepEmbeddedRunner : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly EmbeddedCluster cluster;

    private SweepEmbeddedRunner(EmbeddedCluster cluster)
    {
        this.cluster = cluster;
    }

    public IClusterClient Client => cluster.Client;

    /// <param name="unitSlots">Units (and evaluations) run at once (0: one per core).</param>
    /// <param name="allowCommandEvaluator">Run the sweep's command evaluator (off unless the user enabled it).</param>
    /// <param name="roots">The data roots the silo reads and writes in (--data-root), as a cluster's silos do theirs.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SweepEmbeddedRunner> StartAsync(int unitSlots, bool allowCommandEvaluator, LocalRoots roots, CancellationToken cancellationToken)
    {
        return new(await EmbeddedCluster.StartAsync(unitSlots, cancellationToken, settings: EmbeddedCluster.DataRootSettings(roots.Folders), allowCommandEvaluator: allowCommandEvaluator));
    }

    /// <summary>
    /// Creates the sweep (once; a sweep already created with the same text is reused), runs it once and
    /// waits for the run to end. <paramref name="progress"/> hears about each merge as it finishes. Cancelling
    /// cancels the run (<see cref="ISweepGrain.CancelRun"/>) and returns it as it ended: cancelled, or finished
    /// when its finish had begun.
    /// </summary>
    /// <param name="sweepFile">Where the sweep file is: its folder is where relative paths start.</param>
    /// <param name="text">The file's text as the caller read and checked it (<see cref="Core.Sweeps.SweepSpecParser.ReadFile"/>).</param>
    /// <exception cref="InvalidOperationException">The sweep is invalid or could not start; the message says why.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the run started.</exception>
    public async Task<SweepRunDetail> RunAsync(string sweepFile, string text, string sweepId, Action<SweepCandidateStatus>? progress, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(sweepFile);
        var sweep = Client.GetGrain<ISweepGrain>(sweepId);
        var created = await sweep.Create(new SweepDefinition
        {
            SpecText = text,
            SpecDirectory = Path.GetDirectoryName(full)!,
            SpecName = Path.GetFileName(full),
            SubmittedBy = Environment.UserName,
        });
        if (created.Error is not null)
        {
            throw new InvalidOperationException(created.Error);
        }

        var started = await sweep.Run();
        if (!started.Started)
        {
            throw new InvalidOperationException(started.Error ?? $"run {started.Run} of sweep '{sweepId}' is queued behind a running one");
        }

        var reported = new HashSet<int>();
        try
        {
            while (true)
            {
                var run = await sweep.GetRun(started.Run) ?? throw new InvalidOperationException($"run {started.Run} of sweep '{sweepId}' disappeared");
                foreach (var candidate in run.Candidates.Where(c => c.IsFinished && reported.Add(c.Index)))
                {
                    progress?.Invoke(candidate);
                }

                if (run.Summary.State is not (SweepRunState.Preparing or SweepRunState.Running))
                {
                    return run;
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return await sweep.CancelRun(started.Run) ?? throw new InvalidOperationException($"run {started.Run} of sweep '{sweepId}' disappeared");
        }
    }

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}

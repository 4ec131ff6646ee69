using FusionCluster.Cli.Console;
using FusionCluster.Client;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// The cluster column of <c>fusion bench sweep</c>: the same separate merges, shared-input job and sweep as on the
/// embedded silo, submitted to a running cluster, each timed by the cluster (the job's planning to publishing, the
/// run's start to end) with the peak memory of every silo process of that cluster on this machine.
/// </summary>
public sealed class BenchSweepCluster(ClusterConnection connection, LocalSiloMemory silos)
{
    /// <summary>Each spec as a job of its own, one after another; the sum of their times.</summary>
    public async Task<(double Seconds, string Memory)> SeparateAsync(IReadOnlyList<string> specs, string output, CancellationToken cancellationToken)
    {
        silos.Reset();
        double seconds = 0;
        foreach (var spec in specs)
        {
            var status = await RunJobAsync(new MergeRequest
            {
                SpecText = await File.ReadAllTextAsync(spec, cancellationToken),
                SpecDirectory = Path.GetDirectoryName(spec)!,
                SpecName = Path.GetFileName(spec),
                Output = output,
                Overwrite = true,
            }, cancellationToken);
            seconds += status.ElapsedSeconds;
            Directory.Delete(output, recursive: true);
        }

        return (seconds, silos.Peaks());
    }

    /// <summary>The specs as one shared-input job, each output in <paramref name="outDir"/>/&lt;spec name&gt;, as fusion merge --out-dir.</summary>
    public async Task<(double Seconds, string Memory)> SharedAsync(IReadOnlyList<string> specs, string outDir, CancellationToken cancellationToken)
    {
        var (candidates, error) = SharedInputMerge.Candidates(specs.Select(s => new FileInfo(s)).ToList(), outDir, LocalRoots.Anywhere);
        if (candidates is null)
        {
            throw new InvalidOperationException(error);
        }

        silos.Reset();
        var status = await RunJobAsync(new MergeRequest { SpecText = "", SpecDirectory = Path.GetDirectoryName(specs[0])!, Output = outDir, Overwrite = true, Candidates = candidates }, cancellationToken);
        if (status.Candidates.FirstOrDefault(c => c.State != JobState.Succeeded) is { } failed)
        {
            throw new InvalidOperationException($"cluster: shared-input job, candidate {failed.Error}");
        }

        return (status.ElapsedSeconds, silos.Peaks());
    }

    /// <summary>Creates the sweep under a fresh id, runs it once, waits for the run to end and deletes the sweep again.</summary>
    public async Task<(double Seconds, string Memory)> SweepAsync(string sweepFile, CancellationToken cancellationToken)
    {
        var sweep = connection.Client.GetGrain<ISweepGrain>($"bench-sweep-{Guid.NewGuid():N}"[..20]);
        var created = await sweep.Create(new SweepDefinition
        {
            SpecText = await File.ReadAllTextAsync(sweepFile, cancellationToken),
            SpecDirectory = Path.GetDirectoryName(sweepFile)!,
            SpecName = Path.GetFileName(sweepFile),
            SubmittedBy = Environment.UserName,
        });
        if (created.Error is not null)
        {
            throw new InvalidOperationException($"cluster: creating the sweep: {created.Error}");
        }

        try
        {
            silos.Reset();
            var started = await sweep.Run();
            if (!started.Started)
            {
                throw new InvalidOperationException($"cluster: the sweep's run did not start: {started.Error ?? "queued"}");
            }

            while (true)
            {
                var run = await sweep.GetRun(started.Run) ?? throw new InvalidOperationException("cluster: the sweep's run is gone");
                if (run.Summary.State is not (SweepRunState.Preparing or SweepRunState.Running))
                {
                    if (run.Summary.State != SweepRunState.Succeeded || run.Summary.FinishedAt is not { } finished)
                    {
                        var failed = run.Candidates.FirstOrDefault(c => c.State == CandidateState.Failed);
                        throw new InvalidOperationException($"cluster: the sweep's run ended {run.Summary.State}: {failed?.Error ?? "no candidate error"} (command evaluators need silos started with {Evaluation.Evaluators.CommandEvaluatorOptions.Switch})");
                    }

                    return ((finished - run.Summary.StartedAt).TotalSeconds, silos.Peaks());
                }

                await Task.Delay(250, cancellationToken);
            }
        }
        finally
        {
            await sweep.Delete();
        }
    }

    private async Task<JobStatus> RunJobAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        var status = await BenchClusterCommand.RunOnClusterAsync(connection, request, cancellationToken);
        return status.State == JobState.Succeeded ? status : throw new InvalidOperationException($"cluster merge {request.SpecName}: {status.Error}");
    }
}

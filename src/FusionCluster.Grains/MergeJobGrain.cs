using System.Diagnostics;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace FusionCluster.Grains;

/// <summary>
/// Plans a merge, stages its output, dispatches its units to work-unit grains with bounded parallelism
/// (honouring unit dependencies), and publishes the result only when every unit has succeeded.
/// Reentrant so that status queries and cancel are answered while units run.
/// </summary>
[Reentrant]
public sealed class MergeJobGrain(CheckpointCache checkpoints, ILogger<MergeJobGrain> logger) : Grain, IMergeJobGrain
{
    private readonly Stopwatch clock = new();
    private readonly List<UnitResult> results = [];
    private readonly List<string> warnings = [];
    private CancellationTokenSource? cancellation;
    private MergeRequest? request;
    private MergePlan? plan;
    private string? staging;
    private JobState state = JobState.Pending;
    private string? error;
    private long bytesDone;
    private int running;
    private Task? run;

    public async Task<JobStatus> Start(MergeRequest merge)
    {
        if (request is not null)
        {
            return Snapshot();
        }

        request = merge;
        cancellation = new CancellationTokenSource();
        clock.Start();
        state = JobState.Planning;
        try
        {
            var jobId = this.GetPrimaryKeyString();
            (plan, staging) = await Task.Run(() =>
            {
                var spec = MergeSpecParser.Parse(merge.SpecText, merge.SpecName);
                OutputPublisher.CheckOutput(merge.OutputDirectory, merge.Overwrite);
                var models = ModelCatalog.Load(spec, merge.SpecDirectory, checkpoints);
                var merged = MergePlanner.Plan(spec, models, new PlanOptions { Seed = merge.Seed, ShardSizeBytes = merge.ShardSizeBytes });
                var stagingDirectory = OutputPublisher.StagingDirectory(merge.OutputDirectory, jobId);
                OutputPublisher.CreateShards(merged, stagingDirectory);
                return (merged, stagingDirectory);
            });
            warnings.AddRange(plan.Warnings);
            state = JobState.Running;
            run = RunAsync(jobId, plan, staging, cancellation.Token);
        }
        catch (Exception e)
        {
            Fail(e);
        }

        return Snapshot();
    }

    public Task<JobStatus> GetStatus() => Task.FromResult(Snapshot());

    public async Task Cancel()
    {
        if (cancellation is null || state is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
        {
            return;
        }

        await cancellation.CancelAsync();
        if (run is not null)
        {
            await run;
        }
    }

    private async Task RunAsync(string jobId, MergePlan merge, string stagingDirectory, CancellationToken cancellationToken)
    {
        var parallel = request!.MaxParallelUnits > 0 ? request.MaxParallelUnits : Environment.ProcessorCount;
        var done = new HashSet<int>();
        var pending = merge.Units.ToList();
        var inFlight = new Dictionary<Task<UnitResult>, WorkUnit>();
        try
        {
            while (pending.Count > 0 || inFlight.Count > 0)
            {
                while (inFlight.Count < parallel && pending.FirstOrDefault(u => u.DependsOn.All(done.Contains)) is { } next)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    pending.Remove(next);
                    var worker = GrainFactory.GetGrain<IWorkUnitGrain>($"{jobId}/{next.Index}");
                    inFlight[worker.Execute(UnitAssignment.For(jobId, merge, next, stagingDirectory), cancellationToken)] = next;
                }

                running = inFlight.Count;
                var finished = await Task.WhenAny(inFlight.Keys);
                inFlight.Remove(finished);
                var result = await finished;
                done.Add(result.Unit);
                results.Add(result);
                warnings.AddRange(result.Warnings);
                bytesDone += result.InputBytes;
                running = inFlight.Count;
            }

            state = JobState.Publishing;
            var report = MergeReport.Build(request.SpecText, merge, request.Seed, results, clock.Elapsed.TotalSeconds);
            await Task.Run(() => OutputPublisher.Publish(merge, stagingDirectory, request.OutputDirectory, report), CancellationToken.None);
            state = JobState.Succeeded;
            logger.LogInformation("Merge {Job} finished in {Seconds:F1} s", jobId, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            // A failed unit stops the others too; let them stop before their staging folder goes away.
            var cancelledByUser = cancellationToken.IsCancellationRequested;
            await cancellation!.CancelAsync();
            await Task.WhenAll(inFlight.Keys.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Current)));
            if (cancelledByUser)
            {
                state = JobState.Cancelled;
                error = "cancelled";
            }
            else
            {
                Fail(e);
            }

            OutputPublisher.Discard(stagingDirectory);
        }
        finally
        {
            running = 0;
            clock.Stop();
        }
    }

    private void Fail(Exception e)
    {
        state = JobState.Failed;
        error = e is SpecException or IOException or UnauthorizedAccessException || e.GetType().Namespace?.StartsWith("FusionCluster", StringComparison.Ordinal) == true
            ? e.Message
            : $"{e.GetType().Name}: {e.Message}";
        logger.LogWarning(e, "Merge {Job} failed", this.GetPrimaryKeyString());
    }

    private JobStatus Snapshot() => new()
    {
        State = state,
        UnitsTotal = plan?.Units.Count ?? 0,
        UnitsDone = results.Count,
        UnitsRunning = running,
        BytesTotal = plan?.TotalInputBytes ?? 0,
        BytesDone = bytesDone,
        ElapsedSeconds = clock.Elapsed.TotalSeconds,
        Error = error,
        Warnings = warnings.ToList(),
        OutputDirectory = request?.OutputDirectory,
    };
}

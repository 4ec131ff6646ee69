using System.Diagnostics;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Placement;
using FusionCluster.Grains.Sweeps.Evaluations;
using FusionCluster.Language.Evaluation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FusionCluster.Grains.Sweeps;

/// <summary>
/// Evaluates merged models on the worker silo whose address is its key (pinned there like the worker
/// grain), at most as many at once as the silo has unit slots, off the Orleans scheduler: TorchSharp
/// inference and external commands are long and blocking. External commands run only where the silo
/// enabled them (<see cref="CommandEvaluatorOptions"/>); elsewhere the evaluation fails saying how to. A model
/// folder may be an ensemble (ensemble.json): accuracy and perplexity evaluate it as its rule combines its members.
/// A merge published on a blob prefix (az://) is first copied to a scratch folder of this silo (<see cref="PublishedModelCopy"/>).
/// </summary>
[SiloPinnedPlacement]
[Reentrant]
public sealed class SweepEvaluatorGrain(
    WorkerProfile profile,
    EvaluationDatasets datasets,
    LocalRoots roots,
    ArtifactStores stores,
    ILocalSiloDetails localSilo,
    IOptions<CommandEvaluatorOptions> commandOptions,
    IServiceProvider services,
    ILogger<SweepEvaluatorGrain> logger) : Grain, ISweepEvaluatorGrain
{
    /// <summary>Runs cancelled lately: an evaluation of one that arrives after the cancel is refused (a bounded memory).</summary>
    private const int CancelledRunsKept = 256;

    private readonly SemaphoreSlim slots = new(Math.Max(1, profile.UnitSlots));

    /// <summary>The evaluations waiting or running here, by run tag (grain calls interleave on its scheduler, one at a time).</summary>
    private readonly Dictionary<string, HashSet<CancellationTokenSource>> running = new(StringComparer.Ordinal);

    private readonly LinkedList<string> cancelledRuns = [];

    public Task CancelRun(string runTag)
    {
        if (!cancelledRuns.Contains(runTag))
        {
            cancelledRuns.AddLast(runTag);
            if (cancelledRuns.Count > CancelledRunsKept)
            {
                cancelledRuns.RemoveFirst();
            }
        }

        var stopped = running.GetValueOrDefault(runTag)?.ToList() ?? [];
        stopped.ForEach(evaluation => evaluation.Cancel());
        logger.LogInformation("Sweep run {Run} cancelled: {Count} evaluations stopped here", runTag, stopped.Count);
        return Task.CompletedTask;
    }

    public async Task<EvaluationOutcome> Evaluate(EvaluationRequest request)
    {
        using var cancellation = new CancellationTokenSource();
        var tag = request.RunTag;
        if (tag.Length > 0)
        {
            if (cancelledRuns.Contains(tag))
            {
                cancellation.Cancel();
            }

            (running.TryGetValue(tag, out var ofRun) ? ofRun : running[tag] = []).Add(cancellation);
        }

        try
        {
            return await EvaluateAsync(request, cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return new EvaluationOutcome { Error = $"cancelled with its run ({tag})", Silo = localSilo.Name };
        }
        finally
        {
            if (tag.Length > 0 && running.TryGetValue(tag, out var ofRun) && ofRun.Remove(cancellation) && ofRun.Count == 0)
            {
                running.Remove(tag);
            }
        }
    }

    private async Task<EvaluationOutcome> EvaluateAsync(EvaluationRequest request, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        PublishedModelCopy? copy = null;
        try
        {
            if (request.Connect is not null)
            {
                // A connect point publishes a new result every run: there is nothing to reuse from a cache.
                var point = ConfinedConnect(request);
                var device = profile.Device == MergeDevices.Cuda ? MergeDevices.Cuda : MergeDevices.Cpu;
                var metrics = await Task.Run(() => ConnectPointEvaluation.RunAsync(point, datasets.Get, stores, device, cancellationToken));
                return new EvaluationOutcome { Metrics = metrics, Silo = localSilo.Name, Seconds = stopwatch.Elapsed.TotalSeconds };
            }

            EvaluationRequest confined;
            if (request.ModelFolder.Contains("://", StringComparison.Ordinal))
            {
                // The store checked the location; the copy is this silo's own scratch folder, outside any data root.
                copy = await PublishedModelCopy.FetchAsync(stores, request.ModelFolder, cancellationToken);
                confined = Confined(request) with { ModelFolder = copy.Folder };
            }
            else
            {
                confined = Confined(request);
            }

            // Redis in a cluster (registered by the silo host); else a file per evaluation in the sweep's output.
            var cache = services.GetService<IEvaluationCache>() ?? (confined.CacheFolder is { } folder ? new FileEvaluationCache(folder) : null);
            // The key reads every file of the model, compared and base folders and ensemble members: it gets the roots so it
            // reads only what the evaluation may, and a refusal fails this evaluation like the evaluator's own check would.
            var outcome = await CachedEvaluation.RunAsync(
                confined,
                cache,
                roots,
                async () => new EvaluationOutcome { Metrics = await Task.Run(() => RunEvaluatorsAsync(confined, cancellationToken)) },
                e => logger.LogWarning("Evaluating {Model}: the evaluation cache failed, so it was evaluated without it: {Error}", request.ModelFolder, e.Message));
            return outcome with { Silo = localSilo.Name, Seconds = stopwatch.Elapsed.TotalSeconds };
        }
        catch (Exception e) when (e is EvaluationException or CheckpointException or FusionCluster.Alignment.AlignmentException or FusionCluster.Language.LanguageModelException or NotSupportedException or DatasetFormatException or StorageException or ArgumentException or IOException or UnauthorizedAccessException or FormatException)
        {
            logger.LogInformation("Evaluating {Model} failed: {Error}", request.ModelFolder, e.Message);
            return new EvaluationOutcome { Error = e.Message, Silo = localSilo.Name, Seconds = stopwatch.Elapsed.TotalSeconds };
        }
        finally
        {
            if (copy is not null)
            {
                await copy.DisposeAsync();
            }

            slots.Release();
        }
    }

    /// <summary>Every folder and file an evaluation reads, resolved (symlinks included) and inside the silo's data roots.</summary>
    private EvaluationRequest Confined(EvaluationRequest request) => request with
    {
        // A blob location is the store's to check (the caller evaluates a local copy of it instead).
        ModelFolder = request.ModelFolder.Contains("://", StringComparison.Ordinal) ? request.ModelFolder : roots.Check(request.ModelFolder, "model folder"),
        Dataset = request.Dataset is { } dataset ? roots.CheckFile(dataset, "dataset") : null,
        CompareFolders = request.CompareFolders.Select(folder => roots.Check(folder, "compare folder")).ToList(),
        BaseFolder = request.BaseFolder is { } baseFolder ? roots.Check(baseFolder, "base folder") : null,
        WorkingDirectory = request.WorkingDirectory is { } directory ? roots.Check(directory, "working directory") : null,
        PerplexityText = request.PerplexityText is { } text ? roots.CheckFile(text, "perplexity text") : null,
        CacheFolder = request.CacheFolder is { } cacheFolder ? roots.Check(cacheFolder, "evaluation cache folder") : null,
    };

    /// <summary>The two models and the data a connect point reads, resolved and inside the silo's data roots; a local result folder too.</summary>
    private EvaluationRequest ConfinedConnect(EvaluationRequest request)
    {
        var connect = request.Connect!;
        return request with
        {
            ModelFolder = request.ModelFolder.Contains("://", StringComparison.Ordinal) ? request.ModelFolder : roots.Check(request.ModelFolder, "connect result folder"),
            Connect = connect with
            {
                A = roots.Check(connect.A, "connect.a"),
                B = roots.Check(connect.B, "connect.b"),
                Dataset = connect.Dataset is { } dataset ? roots.CheckFile(dataset, "connect.dataset") : null,
                Text = connect.Text is { } text ? roots.CheckFile(text, "connect.text") : null,
                MatchText = connect.MatchText is { } match ? roots.CheckFile(match, "connect.match_text") : null,
            },
        };
    }

    /// <summary>An ensemble's members, like the model folder itself, must be inside the data roots.</summary>
    private void ConfineEnsembleMembers(string modelFolder)
    {
        if (EnsembleManifest.IsEnsemble(modelFolder))
        {
            foreach (var member in EnsembleManifest.Read(modelFolder).Members)
            {
                roots.Check(member.Folder, "ensemble member");
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, double>> RunEvaluatorsAsync(EvaluationRequest request, CancellationToken cancellationToken)
    {
        ConfineEnsembleMembers(request.ModelFolder);
        var evaluators = new List<IEvaluator>();
        if (request.Dataset is { } dataset)
        {
            var split = request.Split switch
            {
                "held-out" => DatasetSplit.HeldOut,
                "train" => DatasetSplit.Train,
                "all" => DatasetSplit.All,
                var other => throw new FormatException($"split '{other}': expected held-out, train or all"),
            };
            evaluators.Add(new AccuracyEvaluator(datasets.Get(dataset), split, request.Classes?.ToArray(), roots));
        }

        if (request.CompareNames.Count > 0 || request.BaseFolder is not null)
        {
            var references = request.CompareNames.Zip(request.CompareFolders, (name, folder) => new ReferenceModel(name, folder)).ToList();
            evaluators.Add(new TensorMetricsEvaluator(references, request.BaseFolder, roots));
        }

        if (request.PerplexityText is { } text)
        {
            evaluators.Add(new PerplexityEvaluator(text, request.PerplexityContext, profile.Device == MergeDevices.Cuda ? MergeDevices.Cuda : MergeDevices.Cpu, roots));
        }

        if (request.Command is { } command)
        {
            if (!commandOptions.Value.Enabled)
            {
                throw new EvaluationException(CommandEvaluatorOptions.DisabledMessage(localSilo.Name));
            }

            evaluators.Add(new ExternalCommandEvaluator(command, TimeSpan.FromSeconds(request.CommandTimeoutSeconds), request.WorkingDirectory, request.CommandVariables));
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var evaluator in evaluators)
        {
            foreach (var (name, value) in await evaluator.EvaluateAsync(request.ModelFolder, cancellationToken))
            {
                // A command may report a name another evaluator uses; neither value is dropped.
                metrics[metrics.ContainsKey(name) ? $"{evaluator.Name}/{name}" : name] = value;
            }
        }

        return metrics;
    }
}

using FusionCluster.Alignment.Jobs;
using FusionCluster.Client;
using FusionCluster.Connectivity.Jobs;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Logs;
using FusionCluster.Grains.Placement;
using FusionCluster.Grains.Resources;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Workers;
using FusionCluster.Methods.Torch;
using FusionCluster.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;

namespace FusionCluster.Grains;

public static class FusionSiloBuilderExtensions
{
    /// <summary>
    /// Registers what a FusionCluster silo needs to run jobs and (for the worker role) work units, and
    /// publishes <paramref name="profile"/> as silo metadata. Grain storage named
    /// <see cref="FusionStorageNames.Jobs"/> and a reminder service must be configured by the host.
    /// </summary>
    public static ISiloBuilder AddFusionSilo(this ISiloBuilder silo, WorkerProfile profile)
    {
        silo.UseSiloMetadata(profile.ToMetadata());
        silo.Services.AddFusionSerialization();
        // Every storage provider (the embedded silo's, Redis) takes the silo's storage serializer unless told otherwise.
        var writeBinary = silo.Configuration.GetValue<bool>(GrainStateSerializer.BinaryStateSetting);
        silo.Services.AddSingleton<IGrainStorageSerializer>(services =>
            new GrainStateSerializer(services.GetRequiredService<Serializer>(), services.GetRequiredService<OrleansJsonSerializer>(), writeBinary));
        silo.Services.AddFusionStorage(silo.Configuration);
        silo.Services.AddSingleton(profile);
        // Units run their job's device: the C# kernels for cpu, the torch backend for cuda and torch-cpu.
        silo.Services.TryAddSingleton<IMergeMethodCatalog, TorchMergeMethodCatalog>();
        // Jobs with an align: phase: alignment units and merge units reading models through their permutations.
        silo.Services.TryAddSingleton<IInputAlignment, JobInputAlignment>();
        // Jobs of a data-aware method (regmean, fisher): statistics units, and merge units reading their results;
        // llama checkpoints' Gram matrices come from their forward pass on each model's text.
        silo.Services.TryAddSingleton<IInputStatistics, LanguageJobStatistics>();
        // activation_matching and REPAIR run the classifiers forward on the dataset, decoded once per silo.
        silo.Services.TryAddSingleton<IDataAlignment>(services => new JobDataAlignment(services.GetRequiredService<EvaluationDatasets>().Get));
        // Sweeps that publish only their best score every candidate in-job, as the tensors evaluator would.
        silo.Services.TryAddSingleton<IOutputScorer>(services => new TensorOutputScorer(services.GetService<LocalRoots>()));
        silo.Services.AddSingleton<WorkUnitExecutor>();
        // When each running unit last made progress: the silo's liveness probe fails on a stalled one.
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<UnitProgressBoard>();
        silo.Services.AddSingleton<ClusterWorkers>();
        silo.Services.AddOptions<JobOptions>().Bind(silo.Configuration.GetSection("Fusion:Jobs"));
        silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();

        // The newest log lines in memory, for operators on the dashboard (ISiloLogGrain).
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton(new SiloLogRing());
        silo.Services.AddSingleton<ILoggerProvider, RingLoggerProvider>();

        // Every silo reports its CPU and memory (GPU on cuda silos) for the dashboard's charts (ISiloResourceGrain).
        silo.Services.AddOptions<ResourceSamplingOptions>().Bind(silo.Configuration.GetSection("Fusion:Resources"));
        silo.Services.AddHostedService<SiloResourceSampler>();

        // Sweeps: a host (or a test) that registered its own SweepClock first keeps it.
        silo.Services.TryAddSingleton(new SweepClock(TimeProvider.System));
        silo.Services.AddSingleton<EvaluationDatasets>();
        silo.Services.AddOptions<SweepOptions>().Bind(silo.Configuration.GetSection("Fusion:Sweeps"));
        silo.Services.AddOptions<CommandEvaluatorOptions>().Bind(silo.Configuration.GetSection(CommandEvaluatorOptions.Section));
        return silo;
    }
}

using FusionCluster.Client;
using FusionCluster.Core.Methods;
using FusionCluster.Grains;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>An in-process Orleans cluster of worker silos (three unless told) with fast failure detection and short leases.</summary>
public static class WorkerCluster
{
    /// <param name="deviceOf">The device each silo (by name: Silo_0, Silo_1, ...) publishes; cpu for all when null.</param>
    /// <param name="methods">The method catalog every silo uses (default: the one AddFusionSilo registers).</param>
    /// <param name="services">Registers services on every silo before AddFusionSilo (which keeps them where it only tries to add its own).</param>
    /// <param name="store">
    /// Where grain state and reminders live: this redis-server, as in a deployed cluster, for tests that kill silos;
    /// Orleans' in-memory providers when null. Those keep state in storage grains spread over the silos, so killing any
    /// silo, not only the job's own, can take the job's state with it.
    /// </param>
    /// <param name="jobStorage">Wraps each silo's storage of job and sweep state (Orleans' in-memory one unless <paramref name="store"/>), to hold a write.</param>
    /// <param name="binaryState">Silos write grain state in the binary format (<see cref="GrainStateSerializer.BinaryStateSetting"/>), not JSON.</param>
    public static async Task<InProcessTestCluster> StartAsync(int unitSlots, short silos = 3, bool firstSiloIsCoordinator = false,
        Func<string, string>? deviceOf = null, IMergeMethodCatalog? methods = null, bool allowCommandEvaluator = false, Action<IServiceCollection>? services = null,
        RedisServerProcess? store = null, Func<IGrainStorage, IGrainStorage>? jobStorage = null, bool binaryState = false)
    {
        var redis = store is null ? null : ConfigurationOptions.Parse(store.ConnectionString);
        var builder = new InProcessTestClusterBuilder(initialSilosCount: silos);
        if (binaryState)
        {
            builder.ConfigureHost(host => host.Configuration[GrainStateSerializer.BinaryStateSetting] = "true");
        }

        builder.ConfigureSilo((options, silo) =>
        {
            if (methods is not null)
            {
                silo.Services.AddSingleton(methods);
            }

            services?.Invoke(silo.Services);

            if (redis is null)
            {
                silo.AddMemoryGrainStorage(FusionStorageNames.Jobs).UseInMemoryReminderService();
            }
            else
            {
                silo.AddRedisGrainStorage(FusionStorageNames.Jobs, o => o.ConfigurationOptions = redis.Clone())
                    .UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
            }

            if (jobStorage is not null)
            {
                var registered = silo.Services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, FusionStorageNames.Jobs));
                silo.Services.AddKeyedSingleton(FusionStorageNames.Jobs, (provider, key) => jobStorage((IGrainStorage)registered.KeyedImplementationFactory!(provider, key)));
            }

            silo.AddFusionSilo(new WorkerProfile
            {
                UnitSlots = unitSlots,
                Role = firstSiloIsCoordinator && options.SiloName == "Silo_0" ? SiloMetadataKeys.CoordinatorRole : SiloMetadataKeys.WorkerRole,
                Device = deviceOf?.Invoke(options.SiloName) ?? MergeDevices.Cpu,
            });
            if (allowCommandEvaluator)
            {
                silo.Services.Configure<FusionCluster.Evaluation.Evaluators.CommandEvaluatorOptions>(o => o.Enabled = true);
            }

            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.NumMissedProbesLimit = 1;
                o.NumVotesForDeathDeclaration = 1;
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
            });
            silo.Services.Configure<FusionCluster.Grains.Jobs.JobOptions>(o =>
            {
                o.LeaseDuration = TimeSpan.FromSeconds(5);
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
            });
        });
        builder.ConfigureClient(client => client.Services.AddFusionSerialization());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

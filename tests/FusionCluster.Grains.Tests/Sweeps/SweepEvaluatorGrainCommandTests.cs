using FusionCluster.Client;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>A sweep's command evaluator runs only on silos that enabled it.</summary>
public sealed class SweepEvaluatorGrainCommandTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Command_runs_only_where_the_silo_enabled_it(bool enabled)
    {
        var model = Directory.CreateTempSubdirectory("fc-evaluator-grain-").FullName;
        var marker = Path.Combine(model, "ran");
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(FusionStorageNames.Jobs).UseInMemoryReminderService().AddFusionSilo(new WorkerProfile { UnitSlots = 1 });
            if (enabled)
            {
                silo.Services.Configure<CommandEvaluatorOptions>(o => o.Enabled = true);
            }
        });
        builder.ConfigureClient(client => client.Services.AddFusionSerialization());
        await using var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            var silo = cluster.Silos[0];
            var outcome = await cluster.Client.GetGrain<ISweepEvaluatorGrain>(silo.SiloAddress.ToParsableString()).Evaluate(new EvaluationRequest
            {
                ModelFolder = model,
                Command = $"touch {ExternalCommandEvaluator.ShellQuote(marker)}; echo '{{\"score\": 2}}'; true",
                CommandTimeoutSeconds = 30,
            });

            if (enabled)
            {
                Assert.Null(outcome.Error);
                Assert.Equal(2, outcome.Metrics["score"]);
                Assert.True(File.Exists(marker));
            }
            else
            {
                Assert.Contains($"the command evaluator is off on silo {silo.Name}", outcome.Error, StringComparison.Ordinal);
                Assert.Contains(CommandEvaluatorOptions.Switch, outcome.Error, StringComparison.Ordinal);
                Assert.False(File.Exists(marker), "the command ran");
            }
        }
        finally
        {
            Directory.Delete(model, recursive: true);
        }
    }
}

using System.Diagnostics;
using FusionCluster.Client;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// A cancelled sweep run's evaluations stop on the silo: a running command is killed and answers at once, one waiting for
/// a slot and one arriving later are refused, and another run's evaluations are untouched.
/// </summary>
public sealed class SweepEvaluatorGrainCancelTests
{
    [Fact]
    public async Task Cancelling_a_run_stops_its_evaluations_running_waiting_and_arriving_and_no_other_runs()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var model = Directory.CreateTempSubdirectory("fc-evaluator-cancel-").FullName;
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            // One slot: the second evaluation of the run waits behind the first.
            silo.AddMemoryGrainStorage(FusionStorageNames.Jobs).UseInMemoryReminderService().AddFusionSilo(new WorkerProfile { UnitSlots = 1 });
            silo.Services.Configure<CommandEvaluatorOptions>(o => o.Enabled = true);
        });
        builder.ConfigureClient(client => client.Services.AddFusionSerialization());
        await using var cluster = builder.Build();
        await cluster.DeployAsync(cancellation);
        try
        {
            var evaluator = cluster.Client.GetGrain<ISweepEvaluatorGrain>(cluster.Silos[0].SiloAddress.ToParsableString());
            var started = Path.Combine(model, "started");
            EvaluationRequest Request(string runTag, string command) => new()
            {
                ModelFolder = model,
                Command = command,
                CommandTimeoutSeconds = 600,
                RunTag = runTag,
            };

            var running = evaluator.Evaluate(Request("sweep/1", $"touch {ExternalCommandEvaluator.ShellQuote(started)}; sleep 300; echo '{{\"score\": 1}}'; true"));
            while (!File.Exists(started))
            {
                await Task.Delay(50, cancellation);
            }

            var waitedRan = Path.Combine(model, "waited-ran");
            var waiting = evaluator.Evaluate(Request("sweep/1", $"touch {ExternalCommandEvaluator.ShellQuote(waitedRan)}; echo '{{\"score\": 2}}'; true"));
            var clock = Stopwatch.StartNew();
            await evaluator.CancelRun("sweep/1");

            var stopped = await running.WaitAsync(TimeSpan.FromSeconds(30), cancellation);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the running command answered {clock.Elapsed.TotalSeconds:F1} s after the cancel");
            Assert.Equal("cancelled with its run (sweep/1)", stopped.Error);
            Assert.Equal("cancelled with its run (sweep/1)", (await waiting.WaitAsync(TimeSpan.FromSeconds(30), cancellation)).Error);
            // Stopped while it waited for the slot: its command never ran.
            Assert.False(File.Exists(waitedRan), "the waiting evaluation's command ran after the cancel");
            Assert.Equal("cancelled with its run (sweep/1)", (await evaluator.Evaluate(Request("sweep/1", "echo '{\"score\": 3}'; true"))).Error);

            var other = await evaluator.Evaluate(Request("sweep/2", "echo '{\"score\": 4}'; true")).WaitAsync(TimeSpan.FromSeconds(30), cancellation);
            Assert.Null(other.Error);
            Assert.Equal(4, other.Metrics["score"]);
        }
        finally
        {
            Directory.Delete(model, recursive: true);
        }
    }
}

using System.Diagnostics;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// How long a data-aware job's statistics phase takes on one worker silo and on three (in-process silos, one unit
/// slot each), for eight models shaped like the multi-task benchmark's fine-tunes (784-256-128 backbone plus a
/// 10-class head) with 256 samples each of 28x28 images. Prints the figures; checks that both outputs are the same bytes.
/// <c>dotnet test tests/FusionCluster.Grains.Tests -c Release --filter "FullyQualifiedName~StatisticsPhaseMeasurement" --logger "console;verbosity=detailed"</c>
/// </summary>
[Trait("Category", "Measurement")]
public sealed class StatisticsPhaseMeasurement
{
    private const int Samples = 256;

    [Theory]
    [InlineData("regmean")]
    [InlineData("fisher")]
    public async Task Statistics_phase_of_eight_benchmark_sized_models_on_one_and_on_three_silos(string method)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var models = new DataAwareClassifiers([784, 256, 128, 10], models: 8, side: 28, trainSamples: Samples);
        var spec = models.Spec(method, Samples);
        var timings = new List<string>();
        foreach (short silos in new short[] { 1, 3 })
        {
            await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: silos);
            var clock = Stopwatch.StartNew();
            TimeSpan? phase = null;
            // Each run's output under a parent of its own: the statistics cache beside outputs must not serve the second run.
            var output = Output(models, method, silos);
            var status = await JobRuns.RunAsync(cluster, $"job-{method}-{silos}", new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = output }, cancellation, async (job, _) =>
            {
                if (phase is null && (await job.GetUnits()).Where(u => u.Phase == "statistics").All(u => u.State == UnitState.Done))
                {
                    phase = clock.Elapsed;
                }
            });
            Assert.True(status.State == JobState.Succeeded, status.Error);
            var units = await cluster.Client.GetGrain<IMergeJobGrain>($"job-{method}-{silos}").GetUnits();
            var busy = units.Where(u => u.Phase == "statistics").Sum(u => u.Seconds);
            timings.Add($"{method}, {silos} silo(s): statistics phase {(phase ?? clock.Elapsed).TotalSeconds:F1} s wall ({busy:F1} s in its 8 units, on {units.Where(u => u.Phase == "statistics").Select(u => u.Silo).Distinct().Count()} silos), whole job {clock.Elapsed.TotalSeconds:F1} s");
        }

        foreach (var line in timings)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            Console.WriteLine(line);
        }

        Assert.Equal(AlignedClassifiers.ModelFiles(Output(models, method, 1)), AlignedClassifiers.ModelFiles(Output(models, method, 3)));
    }

    private static string Output(DataAwareClassifiers models, string method, int silos) => Path.Combine(models.Folder, $"silos-{silos}", $"{method}-{silos}");
}

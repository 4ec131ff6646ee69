using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FusionCluster.Alignment.Benchmarks;
using FusionCluster.Core.Formats;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// Weight matching end to end as merge jobs (align phase, then merge phase) on 1 silo and on 3 silos of the
/// in-process test cluster: a 784-512-512-10 MLP and a two-block llama at 7B widths divided by
/// FUSION_BENCH_LLAMA_DIVISOR (default 8: hidden 512, FFN 1376, 4/1 heads; 1 is full 7B widths), three models
/// each (the reference and two randomly permuted copies of it, so two align units can run in parallel).
/// Prints wall time and the process's peak RSS (every silo runs in this process) and checks the permutations
/// were undone (the merge equals the reference) and both topologies wrote the same bytes. A measurement:
/// <c>dotnet test tests/FusionCluster.Grains.Tests -c Release --filter "FullyQualifiedName~AlignJobBenchmark"</c>.
/// </summary>
[Trait("Category", "Measurement")]
public sealed class AlignJobBenchmark
{
    [Fact]
    public async Task Weight_matching_jobs_on_one_and_three_silos()
    {
        var divisor = int.TryParse(Environment.GetEnvironmentVariable("FUSION_BENCH_LLAMA_DIVISOR"), CultureInfo.InvariantCulture, out var d) ? d : 8;
        using var folder = new TempDirectory("fusion-align-bench-");
        var random = new Random(0);
        await MeasureAsync(folder.Combine("mlp"), "MLP 784-512-512-10", RandomAlignmentModels.Mlp(random, [784, 512, 512, 10]), RandomAlignmentModels.MlpConfig(), random);

        var (llama, config) = RandomAlignmentModels.Llama(random, blocks: 2, divisor);
        await MeasureAsync(folder.Combine("llama"), $"llama, 2 blocks, hidden {config["hidden_size"]}, FFN {config["intermediate_size"]}, {config["num_attention_heads"]}/{config["num_key_value_heads"]} heads", llama, config, random);
    }

    private static async Task MeasureAsync(string folder, string label, Dictionary<string, (long[] Shape, float[] Values)> tensors, JsonObject config, Random random)
    {
        var cancellation = TestContext.Current.CancellationToken;
        RandomAlignmentModels.WriteWithPermutedCopies(folder, tensors, config, random, copies: 2, cancellation);

        var specText = "merge_method: linear\nmodels:\n  - {model: reference, parameters: {weight: 1}}\n  - {model: permuted-1, parameters: {weight: 1}}\n  - {model: permuted-2, parameters: {weight: 1}}\nalign: {method: weight_matching}\n";
        var outputs = new List<string>();
        foreach (var silos in new short[] { 1, 3 })
        {
            await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: silos);
            var clock = Stopwatch.StartNew();
            var output = Path.Combine(folder, $"merged-{silos}");
            var status = await JobRuns.RunAsync(cluster, $"bench-{silos}", new MergeRequest { SpecText = specText, SpecDirectory = folder, Output = output }, cancellation, timeout: TimeSpan.FromMinutes(30));
            var seconds = clock.Elapsed.TotalSeconds;
            Assert.True(status.State == JobState.Succeeded, status.Error);
            var units = await cluster.Client.GetGrain<IMergeJobGrain>($"bench-{silos}").GetUnits();
            var line = string.Create(CultureInfo.InvariantCulture,
                $"weight matching job, {label}, 3 models, {silos} silo(s): {seconds:F1} s wall, align units on {string.Join(", ", units.Where(u => u.Phase == "align").Select(u => u.Silo).Distinct())}, peak RSS {PeakRss() / (double)(1L << 30):F2} GiB");
            TestContext.Current.SendDiagnosticMessage(line);
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            outputs.Add(output);
        }

        // Aligned back, the three models are one: the average is the reference (up to float32 rounding of (x+x+x)/3).
        Assert.Equal(AlignedClassifiers.ModelFiles(outputs[0]), AlignedClassifiers.ModelFiles(outputs[1]));
        using var merged = CheckpointFolder.Open(outputs[0]);
        foreach (var (name, (shape, values)) in tensors)
        {
            var read = new float[values.Length];
            using (var source = merged.OpenTensor(name))
            {
                source.Read(0, read);
            }

            Assert.True(read.Zip(values).All(p => Math.Abs(p.First - p.Second) <= 1e-6f), $"{name} was not aligned back");
        }
    }

    private static long PeakRss()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}

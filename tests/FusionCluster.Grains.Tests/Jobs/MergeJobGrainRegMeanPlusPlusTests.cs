using System.Text.Json.Nodes;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;
using static TorchSharp.torch;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// RegMean++ as a merge job: one statistics phase per layer (each model's data through the merged layers before it),
/// then RegMean's merge units. The output must be the in-process RegMean++ bit for bit, on one silo and on three.
/// </summary>
public sealed class MergeJobGrainRegMeanPlusPlusTests : IDisposable
{
    private const int Samples = 48;
    private const double Ratio = 0.8;

    private readonly DataAwareClassifiers models = new();

    [Fact]
    public async Task A_regmean_plus_plus_job_publishes_the_in_process_merge_bit_for_bit_after_one_statistics_phase_per_layer()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var status = await RunAsync(cluster, models.Spec("regmean_plus_plus", Samples, $", reduce_non_diagonal_ratio: {Ratio}"), "one-silo", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        using var expected = models.InProcess(new RegMeanPlusPlusMethod(alpha: Ratio), Samples);
        using var merged = models.Load("one-silo");
        foreach (var name in MultiTaskNetwork.BackboneNames(2))
        {
            Assert.Equal(Floats(expected[name]), Floats(merged[name]));
        }

        // The later layers see the merged layers' outputs, not each model's own: layers.1 is not RegMean's.
        using var regMean = models.InProcess(new RegMeanMethod(alpha: Ratio), Samples);
        Assert.Equal(Floats(regMean[MultiTaskNetwork.Weight(0)]), Floats(merged[MultiTaskNetwork.Weight(0)]));
        Assert.NotEqual(Floats(regMean[MultiTaskNetwork.Weight(1)]), Floats(merged[MultiTaskNetwork.Weight(1)]));

        // The last layer (the in-process merge leaves heads apart) against its definition, in float64 here.
        AssertClose(LastLayerByDefinition(merged), Floats(merged[MultiTaskNetwork.Weight(2)]), 2e-3);

        // Three layers, three models: nine statistics units in three phases, then the merge units.
        var units = await cluster.Client.GetGrain<IMergeJobGrain>("job-one-silo").GetUnits();
        string[] expectedUnits = [.. Enumerable.Range(0, 3).SelectMany(l => models.Names.Select(n => $"statistics {n} layer {l}"))];
        Assert.Equal(expectedUnits, units.Where(u => u.Phase == "statistics").Select(u => u.Name));
        Assert.All(units.Where(u => u.Phase != "statistics"), u => Assert.Equal("merge", u.Phase));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Output("one-silo")), f => Path.GetFileName(f).StartsWith('.'));

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(Output("one-silo"), "fusion-report.json")))!["statistics"]!;
        Assert.Equal(StatisticsKinds.MergedGram, report["kind"]!.GetValue<string>());
        Assert.Equal(3, report["layers"]!.GetValue<int>());
        Assert.Equal(models.Names, report["models"]!.AsObject().Select(m => m.Key));
    }

    [Fact]
    public async Task Three_silos_publish_the_same_regmean_plus_plus_bytes_as_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = models.Spec("regmean_plus_plus", Samples);
        await using (var one = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1))
        {
            var alone = await RunAsync(one, spec, "one", cancellation);
            Assert.True(alone.State == JobState.Succeeded, alone.Error);
        }

        await using (var three = await WorkerCluster.StartAsync(unitSlots: 1, silos: 3))
        {
            var spread = await RunAsync(three, spec, "three", cancellation);
            Assert.True(spread.State == JobState.Succeeded, spread.Error);
            var units = await three.Client.GetGrain<IMergeJobGrain>("job-three").GetUnits();
            TestContext.Current.SendDiagnosticMessage($"statistics units ran on: {string.Join(", ", units.Where(u => u.Phase == "statistics").Select(u => u.Silo))}");
        }

        Assert.Equal(AlignedClassifiers.ModelFiles(Output("one")), AlignedClassifiers.ModelFiles(Output("three")));
        using var expected = models.InProcess(new RegMeanPlusPlusMethod(), Samples);
        using var merged = models.Load("three");
        Assert.Equal(Floats(expected[MultiTaskNetwork.Weight(1)]), Floats(merged[MultiTaskNetwork.Weight(1)]));
    }

    public void Dispose() => models.Dispose();

    private static float[] Floats(Tensor value)
    {
        using var contiguous = value.detach().to(float32).contiguous();
        return contiguous.data<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>
    /// RegMean++'s layers.2 from its definition: each model's first samples through the merged layers 0 and 1 (the
    /// job's own output), G = H^T H / n, then RegMean's regularised solve, all in float64 with torch.
    /// </summary>
    private float[] LastLayerByDefinition(NamedTensors merged)
    {
        using var scope = NewDisposeScope();
        Tensor? lhs = null;
        Tensor? rhs = null;
        var grams = new List<Tensor>();
        foreach (var name in models.Names)
        {
            using var model = models.Load(name);
            var data = ImageDatasetFile.Read(models.DatasetPath(name));
            var pixels = new double[Samples * data.SampleSize];
            for (var s = 0; s < Samples; s++)
            {
                var image = data.Image(s);
                for (var p = 0; p < data.SampleSize; p++)
                {
                    pixels[(s * data.SampleSize) + p] = image[p] / 255.0;
                }
            }

            var h = tensor(pixels, [Samples, data.SampleSize]);
            for (var l = 0; l < 2; l++)
            {
                h = nn.functional.relu(h.matmul(merged[MultiTaskNetwork.Weight(l)].to(float64).t()) + merged[MultiTaskNetwork.Bias(l)].to(float64));
            }

            var gram = h.t().matmul(h) / Samples;
            grams.Add(gram);
            var scaled = (gram * Ratio) + (diag(gram.diagonal()) * (1 - Ratio));
            lhs = lhs is null ? scaled : lhs + scaled;
            var term = scaled.matmul(model[MultiTaskNetwork.Weight(2)].to(float64).t());
            rhs = rhs is null ? term : rhs + term;
        }

        var ridge = RegMeanMergeMethod.Ridge * grams.Max(g => g.diagonal().max().item<double>());
        var regularised = lhs! + (eye(lhs!.shape[0], dtype: float64) * (ridge * grams.Count));
        using var solved = linalg.solve(regularised, rhs!).t().to(float32).contiguous();
        return solved.data<float>().ToArray();
    }

    private string Output(string name) => Path.Combine(models.Folder, name);

    private Task<JobStatus> RunAsync(InProcessTestCluster cluster, string spec, string output, CancellationToken cancellation) =>
        JobRuns.RunAsync(cluster, $"job-{output}", new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = Output(output) }, cancellation);
}

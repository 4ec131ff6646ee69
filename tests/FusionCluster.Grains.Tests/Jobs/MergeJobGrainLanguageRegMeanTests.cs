using System.Diagnostics;
using System.Text.Json.Nodes;
using FusionCluster.Connectivity.Jobs;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// merge_method: regmean of llama checkpoints, each with a text file as its dataset: statistics units (one per model
/// and decoder block) run the model forward on its text on worker silos and stage the Gram matrices of every linear
/// layer's inputs; merge units solve each linear weight in closed form and average the rest. Checked against an
/// independent float64 llama forward and RegMean solve in Python, against the identity of merging a model with
/// itself, across topologies and through the statistics cache.
/// </summary>
public sealed class MergeJobGrainLanguageRegMeanTests : IClassFixture<TrainedLanguageModelFolder>
{
    private const int Samples = 12;

    private const int OracleSamples = 6;

    private readonly TrainedLanguageModelFolder models;

    public MergeJobGrainLanguageRegMeanTests(TrainedLanguageModelFolder models)
    {
        this.models = models;
        // Two different real texts: the two halves of the fixture's.
        var text = File.ReadAllText(models.PathOf(TrainedLanguageModelFolder.TextFile));
        File.WriteAllText(models.PathOf("text-a.txt"), text[..(text.Length / 2)]);
        File.WriteAllText(models.PathOf("text-b.txt"), text[(text.Length / 2)..]);
    }

    [Fact]
    public async Task RegMean_of_two_llamas_equals_an_independent_python_forward_and_solve()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            Assert.Skip("/usr/bin/python3 is not installed");
        }

        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        // Few windows: the oracle's forward pass is plain Python.
        var status = await RunAsync(cluster, Spec(OracleSamples, ("lm-1", "text-a.txt"), ("lm-2", "text-b.txt")) + "  reduce_non_diagonal_ratio: 0.8\n", "oracle/out", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var request = new JsonObject
        {
            ["models"] = new JsonArray(Model("lm-1", "text-a.txt", OracleSamples), Model("lm-2", "text-b.txt", OracleSamples)),
            ["merged"] = models.PathOf("oracle/out"),
            ["ratio"] = 0.8,
            ["ridge"] = RegMeanMergeMethod.Ridge,
        };
        var oracle = await OracleAsync(request, cancellation);
        var withGram = oracle["with_gram"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        // Every block's seven projections and lm_head get a Gram matrix (the fixture's llamas have 2 blocks and an untied head).
        Assert.Equal(2 * 7 + 1, withGram.Count);
        Assert.Contains("lm_head.weight", withGram);
        Assert.Contains("model.layers.1.mlp.down_proj.weight", withGram);
        TestContext.Current.SendDiagnosticMessage($"largest relative difference from the oracle: {oracle["errors"]!.AsObject().Max(e => e.Value!.GetValue<double>()):E2}");
        foreach (var (name, error) in oracle["errors"]!.AsObject())
        {
            // The job's forward runs in float32 and stores its Gram matrices in float32; the solve amplifies that a little.
            Assert.True(error!.GetValue<double>() <= 2e-3, $"{name}: the job's merge is {error} from the oracle's");
        }

        var units = await cluster.Client.GetGrain<IMergeJobGrain>(JobId("oracle/out")).GetUnits();
        Assert.Equal(
            ["statistics lm-1 block 0", "statistics lm-2 block 0", "statistics lm-1 block 1", "statistics lm-2 block 1"],
            units.Where(u => u.Phase == "statistics").Select(u => u.Name));
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(models.PathOf("oracle/out"), "fusion-report.json")))!["statistics"]!;
        Assert.Equal(2, report["blocks"]!.GetValue<int>());
        Assert.Equal(OracleSamples, report["models"]!["lm-2"]!["samples"]!.GetValue<int>());
    }

    [Fact]
    public async Task RegMean_of_a_llama_with_itself_is_the_llama()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var status = await RunAsync(cluster, Spec(("lm-1", "text-a.txt"), ("lm-1-copy", "text-a.txt")), "itself/out", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        using var original = CheckpointFolder.Open(models.PathOf("lm-1"));
        using var merged = CheckpointFolder.Open(models.PathOf("itself/out"));
        Assert.Equal(original.TensorNames.Order(), merged.TensorNames.Order());
        foreach (var name in original.TensorNames)
        {
            using var expected = await original.OpenTensorAsync(name, cancellation);
            using var actual = await merged.OpenTensorAsync(name, cancellation);
            var e = expected.ReadAll();
            var a = actual.ReadAll();
            var scale = Math.Max(1, e.Max(Math.Abs));
            Assert.True(e.Zip(a).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * scale), $"{name}: the merge of a model with itself differs from it");
        }
    }

    [Fact]
    public async Task Three_silos_compute_llama_statistics_and_publish_the_same_bytes_as_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = Spec(("lm-1", "text-a.txt"), ("lm-2", "text-b.txt"));
        await using (var one = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1))
        {
            var alone = await RunAsync(one, spec, "one/out", cancellation);
            Assert.True(alone.State == JobState.Succeeded, alone.Error);
        }

        // Another folder, so that the three silos compute the statistics instead of finding the first job's in its cache.
        await using (var three = await WorkerCluster.StartAsync(unitSlots: 1, silos: 3))
        {
            var spread = await RunAsync(three, spec, "three/out", cancellation);
            Assert.True(spread.State == JobState.Succeeded, spread.Error);
            Assert.False(Cached("three/out").Any(c => c.Value), "the three silos found statistics in a cache");
        }

        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("one/out")), AlignedClassifiers.ModelFiles(models.PathOf("three/out")));
    }

    [Fact]
    public async Task A_second_job_reuses_the_llama_statistics_and_a_changed_text_is_computed_again()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        File.Copy(models.PathOf("text-b.txt"), models.PathOf("text-c.txt"), overwrite: true);
        var spec = Spec(("lm-1", "text-a.txt"), ("lm-2", "text-c.txt"));

        var first = await RunAsync(cluster, spec, "cache/first", cancellation);
        var second = await RunAsync(cluster, spec, "cache/second", cancellation);
        // One word more at the start shifts every window of lm-2's text: only lm-2's statistics are computed again.
        File.WriteAllText(models.PathOf("text-c.txt"), "Changed: " + File.ReadAllText(models.PathOf("text-c.txt")));
        var third = await RunAsync(cluster, spec, "cache/third", cancellation);

        Assert.All(new[] { first, second, third }, s => Assert.True(s.State == JobState.Succeeded, s.Error));
        Assert.Equal(["lm-1: False", "lm-2: False"], Cached("cache/first").Select(c => $"{c.Key}: {c.Value}"));
        Assert.Equal(["lm-1: True", "lm-2: True"], Cached("cache/second").Select(c => $"{c.Key}: {c.Value}"));
        Assert.Equal(["lm-1: True", "lm-2: False"], Cached("cache/third").Select(c => $"{c.Key}: {c.Value}"));
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("cache/first")), AlignedClassifiers.ModelFiles(models.PathOf("cache/second")));
        Assert.NotEqual(AlignedClassifiers.ModelFiles(models.PathOf("cache/first")), AlignedClassifiers.ModelFiles(models.PathOf("cache/third")));
        // One file per model and block, and lm-2's blocks again for the changed text.
        Assert.Equal(6, Directory.GetFiles(models.PathOf($"cache/{StatisticsCache.FolderName}"), "*.safetensors").Length);
    }

    private static string Spec(params (string Model, string Text)[] entries) => Spec(Samples, entries);

    private static string Spec(int samples, params (string Model, string Text)[] entries) =>
        "merge_method: regmean\nmodels:\n"
        + string.Concat(entries.Select(e => $"  - {{model: {e.Model}, dataset: {e.Text}}}\n"))
        + $"parameters:\n  samples: {samples}\n";

    /// <summary>What the oracle is given of a model: its folder and the windows a statistics unit draws from its text.</summary>
    private JsonObject Model(string name, string textFile, int samples)
    {
        using var tokenizer = HfTokenizer.Load(models.PathOf(name));
        var ids = tokenizer.Encode(File.ReadAllText(models.PathOf(textFile)));
        var windows = LanguageJobStatistics.Windows(ids, LanguageModelCheckpoint.ReadConfig(models.PathOf(name)), samples, name, textFile);
        return new JsonObject
        {
            ["path"] = models.PathOf(name),
            ["windows"] = new JsonArray(windows.Select(w => (JsonNode)new JsonArray(w.Select(id => (JsonNode)id).ToArray())).ToArray()),
        };
    }

    private async Task<JsonNode> OracleAsync(JsonObject request, CancellationToken cancellation)
    {
        var requestFile = models.PathOf($"oracle-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(requestFile, request.ToJsonString(), cancellation);
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Jobs", "LlamaRegMeanOracle.py"));
        start.ArgumentList.Add(requestFile);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        Assert.True(process.ExitCode == 0, await stderr);
        return JsonNode.Parse(await stdout)!;
    }

    private static string JobId(string output) => $"job-{output.Replace('/', '-')}";

    private Dictionary<string, bool> Cached(string output) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(models.PathOf(output), "fusion-report.json")))!["statistics"]!["models"]!.AsObject()
            .ToDictionary(m => m.Key, m => m.Value!["cached"]!.GetValue<bool>());

    private Task<JobStatus> RunAsync(InProcessTestCluster cluster, string spec, string output, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(models.PathOf(output))!);
        return JobRuns.RunAsync(cluster, JobId(output), new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = models.PathOf(output) }, cancellation);
    }
}

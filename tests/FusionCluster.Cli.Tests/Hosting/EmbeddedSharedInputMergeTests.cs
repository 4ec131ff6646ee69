using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Tests.Hosting;

/// <summary>
/// Shared-input jobs on the embedded silo: every candidate's output is the bytes it has merged alone (the
/// reference here is the same merge run as a job of its own), and a failing candidate fails alone.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedSharedInputMergeTests(SyntheticModels models)
{
    // Small shards, so that each output spans several files whose layout must match too.
    private const long ShardBytes = 40_000;

    private const ulong Seed = 7;

    [Fact]
    public async Task Every_method_family_gives_the_bytes_it_gives_alone()
    {
        using var temp = new TempDirectory();
        var specs = new Dictionary<string, string>
        {
            ["linear"] = """
                merge_method: linear
                models:
                  - model: ft-1
                    parameters: {weight: 0.3}
                  - model: ft-2
                    parameters: {weight: 0.7}
                dtype: bfloat16
                """,
            ["task-arithmetic"] = Gta("task_arithmetic", "weight: 0.8"),
            ["ties"] = Gta("ties", "weight: 0.6, density: 0.5"),
            ["dare-ties"] = Gta("dare_ties", "weight: 0.6, density: 0.4"),
            ["slerp"] = """
                merge_method: slerp
                base_model: base
                models:
                  - model: ft-1
                parameters:
                  t: 0.35
                dtype: bfloat16
                """,
            ["model-stock"] = """
                merge_method: model_stock
                base_model: base
                models:
                  - model: ft-1
                  - model: ft-2
                dtype: bfloat16
                """,
        };

        var unitsAlone = new HashSet<int>();
        foreach (var (name, spec) in specs)
        {
            var alone = await Merges.RunAsync(spec, models.Root, temp.Combine("alone", name), Seed, ShardBytes);
            Merges.AssertSucceeded(alone);
            unitsAlone.Add(alone.UnitsTotal);
        }

        var status = await Merges.RunSharedAsync(specs.Select(s => new CandidateSpec(s.Key, s.Value, models.Root, temp.Combine("shared", s.Key))).ToList(), Seed, ShardBytes);

        Merges.AssertSucceeded(status);
        Assert.All(status.Candidates, c => Assert.Equal(JobState.Succeeded, c.State));
        // The six candidates' units of a layer ran as one shared unit.
        Assert.Equal(Assert.Single(unitsAlone), status.UnitsTotal);
        Assert.True(File.Exists(temp.Combine("shared", "ties", "model.safetensors.index.json")), "the small shard size should shard every output");
        foreach (var name in specs.Keys)
        {
            AssertSameModel(temp.Combine("alone", name), temp.Combine("shared", name));
        }
    }

    [Fact]
    public async Task A_density_grid_finds_its_selections_together_and_gives_the_bytes_each_gives_alone()
    {
        // Tensors of 131,072 elements, so selections take the sampled band path as in real models; the norms' 256 make the
        // last candidate's density keep nothing there, which fails that candidate alone.
        using var temp = new TempDirectory();
        var root = temp.Combine("models");
        var shape = new SyntheticModelShape(Hidden: 256, Intermediate: 512, Layers: 1, Vocab: 512, Heads: 4);
        foreach (var (name, variant) in new[] { ("base", 0), ("ft-1", 1), ("ft-2", 2) })
        {
            SyntheticCheckpoint.Write(Path.Combine(root, name), shape, DType.BF16, baseSeed: 5, variant: variant, cancellationToken: TestContext.Current.CancellationToken);
        }

        var specs = new Dictionary<string, string>
        {
            ["ties-0.1"] = Gta("ties", "weight: 1, density: 0.1"),
            ["ties-0.5"] = Gta("ties", "weight: 1, density: 0.5"),
            ["ties-0.9"] = Gta("ties", "weight: 1, density: 0.9"),
            ["breadcrumbs"] = Gta("breadcrumbs_ties", "weight: 1, density: 0.5, gamma: 0.05"),
            ["ties-1.0"] = Gta("ties", "weight: 1, density: 1.0"),
        };
        foreach (var (name, spec) in specs)
        {
            Merges.AssertSucceeded(await Merges.RunAsync(spec, root, temp.Combine("alone", name), Seed, ShardBytes));
        }

        var candidates = specs.Select(s => new CandidateSpec(s.Key, s.Value, root, temp.Combine("shared", s.Key)))
            .Append(new CandidateSpec("keeps-nothing", Gta("ties", "weight: 1, density: 0.001"), root, temp.Combine("shared", "keeps-nothing")))
            .ToList();
        var status = await Merges.RunSharedAsync(candidates, Seed, ShardBytes);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var byName = status.Candidates.ToDictionary(c => c.Name);
        foreach (var name in specs.Keys)
        {
            Assert.Equal(JobState.Succeeded, byName[name].State);
            AssertSameModel(temp.Combine("alone", name), temp.Combine("shared", name));
        }

        Assert.Equal(JobState.Failed, byName["keeps-nothing"].State);
        Assert.Contains("keeps no element", byName["keeps-nothing"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_candidate_that_fails_at_plan_or_run_time_fails_alone()
    {
        using var temp = new TempDirectory();
        const string tensor = "model.layers.1.mlp.up_proj.weight";
        var poisoned = PoisonedModels.Write(models, temp.Combine("nan-model"), tensor, [3, 99]);
        var good = Gta("task_arithmetic", "weight: 0.5");
        Merges.AssertSucceeded(await Merges.RunAsync(good, models.Root, temp.Combine("alone"), Seed));

        var status = await Merges.RunSharedAsync(
            [
                new CandidateSpec("good", good, models.Root, temp.Combine("shared", "good")),
                new CandidateSpec("bad-density", Gta("ties", "weight: 0.5, density: 1.5"), models.Root, temp.Combine("shared", "bad-density")),
                new CandidateSpec("nan", Gta("task_arithmetic", "weight: 0.5").Replace("model: ft-2", $"model: {poisoned}", StringComparison.Ordinal), models.Root, temp.Combine("shared", "nan")),
            ],
            Seed);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var byName = status.Candidates.ToDictionary(c => c.Name);
        Assert.Equal(JobState.Succeeded, byName["good"].State);
        AssertSameModel(temp.Combine("alone"), temp.Combine("shared", "good"));

        Assert.Equal(JobState.Failed, byName["bad-density"].State);
        Assert.StartsWith("bad-density: ", byName["bad-density"].Error, StringComparison.Ordinal);
        Assert.Contains("density", byName["bad-density"].Error, StringComparison.Ordinal);

        Assert.Equal(JobState.Failed, byName["nan"].State);
        Assert.StartsWith("nan: layer 1: ", byName["nan"].Error, StringComparison.Ordinal);
        Assert.Contains($"model '{poisoned}' has 2", byName["nan"].Error, StringComparison.Ordinal);
        foreach (var failed in new[] { "bad-density", "nan" })
        {
            var folder = temp.Combine("shared", failed);
            Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), $"{failed} failed yet left {folder} behind");
        }
    }

    [Fact]
    public async Task A_candidate_that_would_publish_where_another_reads_a_model_fails_alone_and_leaves_that_model()
    {
        // A merge of merges run again with --overwrite: x reads the earlier output y, and y is merged again into it.
        using var temp = new TempDirectory();
        var earlier = temp.Combine("shared", "y");
        Merges.AssertSucceeded(await Merges.RunAsync(Gta("task_arithmetic", "weight: 0.5"), models.Root, earlier, Seed));
        var before = Directory.EnumerateFiles(earlier).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var status = await Merges.RunSharedAsync(
            [
                new CandidateSpec("x", Gta("task_arithmetic", "weight: 0.5").Replace("model: ft-2", $"model: {earlier}", StringComparison.Ordinal), models.Root, temp.Combine("shared", "x")),
                new CandidateSpec("y", Gta("ties", "weight: 0.5, density: 0.5"), models.Root, earlier),
            ],
            Seed,
            overwrite: true);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var byName = status.Candidates.ToDictionary(c => c.Name);
        Assert.Equal(JobState.Succeeded, byName["x"].State);
        Assert.Equal(JobState.Failed, byName["y"].State);
        Assert.StartsWith("y: ", byName["y"].Error, StringComparison.Ordinal);
        Assert.Contains("of candidate 'x' is read from", byName["y"].Error, StringComparison.Ordinal);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.EnumerateFiles(earlier).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(earlier, file))), $"{file} of the model x read was changed");
        }
    }

    private static string Gta(string method, string parameters) => $$"""
        merge_method: {{method}}
        base_model: base
        models:
          - model: ft-1
            parameters: {{{parameters}}}
          - model: ft-2
            parameters: {{{parameters}}}
        dtype: bfloat16
        """;

    /// <summary>Same files, same bytes; the reports equal but for their timings.</summary>
    private static void AssertSameModel(string expected, string actual)
    {
        var files = Directory.EnumerateFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.EnumerateFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        foreach (var file in files)
        {
            var (a, b) = (Path.Combine(expected, file!), Path.Combine(actual, file!));
            if (file == "fusion-report.json")
            {
                Assert.Equal(WithoutTimings(a), WithoutTimings(b));
            }
            else if (file == "fusion-manifest.json")
            {
                // The manifest lists the report's size, which its timings' digits change.
                Assert.Equal(WithoutReportSize(a), WithoutReportSize(b));
            }
            else
            {
                Assert.True(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), $"{actual}/{file} differs from the merge alone");
            }
        }

        Checkpoints.AssertNoStaging(actual);
    }

    private static string WithoutReportSize(string manifestPath)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var entry in manifest["files"]!.AsArray().OfType<JsonObject>().Where(f => f["name"]!.GetValue<string>() == "fusion-report.json"))
        {
            entry.Remove("bytes");
        }

        return manifest.ToJsonString();
    }

    private static string WithoutTimings(string reportPath)
    {
        var report = JsonNode.Parse(File.ReadAllText(reportPath))!;
        Strip(report);
        return report.ToJsonString();

        static void Strip(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                obj.Remove("seconds");
                obj.Remove("wall_seconds");
                foreach (var (_, child) in obj)
                {
                    Strip(child);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var child in array)
                {
                    Strip(child);
                }
            }
        }
    }
}

using System.Globalization;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Connectivity.LanguageModels;
using FusionCluster.Core.Execution;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Connectivity.Tests.LanguageModels;

/// <summary>
/// Peak resident memory of llama activation matching with its correlation state bounded to one block per pass
/// against one pass over both blocks, for two random two-block llamas at 7B widths divided by
/// FUSION_MEASURE_LLAMA_DIVISOR (default 2: hidden 2048, FFN 5504, 16/4 heads of 128). Run each case in its own
/// process, so that neither inherits the other's allocator caches:
/// <code>
/// FUSION_MEASURE_BUDGET=block dotnet test tests/FusionCluster.Connectivity.Tests -c Release --filter "FullyQualifiedName~LanguageActivationMatchingMemory" --logger "console;verbosity=detailed"
/// FUSION_MEASURE_BUDGET=none  dotnet test ... (the same)
/// </code>
/// </summary>
[Trait("Category", "Measurement")]
public sealed class LanguageActivationMatchingMemory : IDisposable
{
    private readonly TempDirectory temp = new("fusion-lm-actmatch-memory-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Peak_memory_of_matching_two_block_llamas_one_block_per_pass_and_in_one_pass()
    {
        var divisor = int.Parse(Environment.GetEnvironmentVariable("FUSION_MEASURE_LLAMA_DIVISOR") ?? "2", CultureInfo.InvariantCulture);
        var bounded = Environment.GetEnvironmentVariable("FUSION_MEASURE_BUDGET") != "none";
        var shape = new TinyDecoderSpec { Vocab = 256, Hidden = 4096 / divisor, Ffn = 11008 / divisor, Heads = 32 / divisor, KvHeads = 8 / divisor, HeadDim = 128, Layers = 2 };
        // FUSION_MEASURE_FOLDER keeps the models between runs: a run that writes them holds the writer's garbage.
        var folder = Environment.GetEnvironmentVariable("FUSION_MEASURE_FOLDER") ?? temp.Path;
        var fresh = false;
        foreach (var (name, seed) in new[] { ("a", 1), ("b", 2) })
        {
            if (!File.Exists(Path.Combine(folder, name, "model.safetensors")))
            {
                TinyCheckpointWriter.Write(Path.Combine(folder, name), shape, TinyCheckpointWriter.RandomWeights(shape, seed, bfloat16: false), bfloat16: false);
                fresh = true;
            }
        }

        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var a = LanguageModelCheckpoint.Load(Path.Combine(folder, "a"));
        using var b = LanguageModelCheckpoint.Load(Path.Combine(folder, "b"));
        var spec = LanguageActivationMatcherTests.SpecOf(Path.Combine(folder, "b"));
        var sites = LanguageActivationMatcher.Sites(spec, a.Config);
        var held = CorrelationPasses.HeldBytes(sites);
        var oneBlock = CorrelationPasses.StateBytes(held, [.. sites.Where(s => s.Layer == 0)]);
        var budget = bounded ? oneBlock : long.MaxValue;
        var random = new Random(3);
        var ids = Enumerable.Range(0, 4096).Select(_ => random.Next(shape.Vocab)).ToArray();
        var baseline = Resident("VmRSS:");
        ProcessMemory.ResetPeak();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var result = LanguageActivationMatcher.Match(a, b, spec, ids, context: 64, samples: 24, seed: 0, new JonkerVolgenantSolver(), budget, TestContext.Current.CancellationToken);

        var peak = ProcessMemory.PeakResidentBytes();
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"llama 2x{shape.Hidden}/{shape.Ffn}, {shape.Heads}/{shape.KvHeads} heads, 24 windows of 64 tokens, {(bounded ? "one block per pass" : "one pass")}: {CorrelationPasses.Plan(sites, budget).Count} pass(es), correlation state {CorrelationPasses.PeakBytes(sites, budget) / 1048576.0:F0} MiB, {stopwatch.Elapsed.TotalSeconds:F1} s, RSS before {baseline / 1048576.0:F0} MiB, peak {peak / 1048576.0:F0} MiB{(fresh ? " (models written by this run)" : "")}");
        TestContext.Current.SendDiagnosticMessage(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Assert.Equal(spec.Groups.Count, result.Groups.Count);
    }

    private static long Resident(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Benchmarks;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Cli.Console;
using FusionCluster.Core.Execution;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion bench align: linear assignment solve times on dense random matrices, and weight matching end
/// to end on a randomly permuted MLP and a llama at 7B widths, with the process's peak memory after each.
/// Weights are random and made in memory; permuted copies come from the same permutation code the
/// aligned checkpoints are written with, and each run checks that matching recovered the permutation.
/// </summary>
public static class BenchAlignCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "assignment sizes, comma-separated", DefaultValueFactory = _ => "512,4096,11008,14336" };
        var orToolsMax = new Option<int>("--ortools-max") { Description = "largest size also solved with OR-Tools (it holds n² arcs: about 3 GB at 11008)", DefaultValueFactory = _ => 4096 };
        var mlp = new Option<string>("--mlp") { Description = "MLP widths input,hidden...,output, or 'none'", DefaultValueFactory = _ => "784,512,512,10" };
        var llamaBlocks = new Option<int>("--llama-blocks") { Description = "blocks of the 7B-width llama (hidden 4096, FFN 11008, 32 heads, 8 KV heads); 0 skips it", DefaultValueFactory = _ => 2 };
        var divisor = new Option<int>("--llama-width-divisor") { Description = "divide the llama's hidden size, FFN width and head counts by this (head_dim stays 128), for a smaller run", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "seed of the weights, permutations and visiting order", DefaultValueFactory = _ => 0 };
        var command = new Command("align", "Measure linear assignment and weight matching (solve times, end to end, peak memory)") { sizes, orToolsMax, mlp, llamaBlocks, divisor, seed };
        command.SetAction((parse, cancellationToken) =>
        {
            var random = new Random(parse.GetValue(seed));
            foreach (var n in parse.GetValue(sizes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                BenchSolvers(n, random, n <= parse.GetValue(orToolsMax));
            }

            if (parse.GetValue(mlp) is { } widths && widths != "none")
            {
                var tensors = RandomAlignmentModels.Mlp(random, [.. widths.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))]);
                BenchMatching($"MLP {widths}", tensors, shapes => ClassifierPermutationSpec.Derive(shapes, "mlp"), random, cancellationToken);
            }

            if (parse.GetValue(llamaBlocks) is var blocks and > 0)
            {
                var scale = parse.GetValue(divisor);
                if (scale <= 0 || 8 % scale != 0)
                {
                    return Task.FromResult(MergeCommand.Fail($"--llama-width-divisor {scale}: expected 1, 2, 4 or 8"));
                }

                var (tensors, config) = RandomAlignmentModels.Llama(random, blocks, scale);
                BenchMatching($"llama, {blocks} blocks, hidden {config["hidden_size"]}, FFN {config["intermediate_size"]}, {config["num_attention_heads"]} heads / {config["num_key_value_heads"]} KV", tensors, shapes => LlamaPermutationSpec.Derive(config, shapes, "llama"), random, cancellationToken);
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static void BenchSolvers(int n, Random random, bool withOrTools)
    {
        var similarity = new float[(long)n * n];
        for (var i = 0; i < similarity.Length; i++)
        {
            similarity[i] = random.NextSingle();
        }

        var solvers = new List<ILinearAssignmentSolver> { new JonkerVolgenantSolver() };
        if (withOrTools)
        {
            solvers.Add(new OrToolsAssignmentSolver());
        }

        foreach (var solver in solvers)
        {
            var clock = Stopwatch.StartNew();
            var assignment = solver.Solve(similarity, n);
            var seconds = clock.Elapsed.TotalSeconds;
            Print($"assignment n={n} uniform random, {solver.Name}: {seconds:F2} s, objective {AssignmentObjective.Of(similarity, n, assignment):F3}, peak RSS {Gib(ProcessMemory.PeakResidentBytes())}");
        }
    }

    private static void BenchMatching(string label, Dictionary<string, (long[] Shape, float[] Values)> tensors, Func<IReadOnlyDictionary<string, long[]>, PermutationSpec> specOf, Random random, CancellationToken cancellationToken)
    {
        var reference = new InMemoryAlignmentTensors("reference", tensors);
        var spec = specOf(reference.Shapes);
        var applied = spec.Groups.ToDictionary(g => g.Name, g => RandomAlignmentModels.Shuffled(random, g.Size), StringComparer.Ordinal);
        var map = new PermutedTensorMap(spec, applied);
        var permuted = tensors.ToDictionary(
            t => t.Key,
            t =>
            {
                var values = new float[t.Value.Values.Length];
                TensorGather.Gather(MemoryMarshal.AsBytes(t.Value.Values.AsSpan()), MemoryMarshal.AsBytes(values.AsSpan()), sizeof(float), t.Value.Shape, null, map.AxisMaps(t.Key, t.Value.Shape));
                return (t.Value.Shape, values);
            },
            StringComparer.Ordinal);

        var clock = Stopwatch.StartNew();
        var result = WeightMatcher.Match(reference, new InMemoryAlignmentTensors("permuted", permuted), spec, new WeightMatchingOptions(), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var recovered = result.Groups.All(g => g.Permutation.Select((from, to) => applied[g.Group][from] == to).All(ok => ok));
        var parameters = tensors.Values.Sum(t => (long)t.Values.Length);
        Print($"weight matching {label} ({parameters / 1e6:F1} M parameters, {spec.Groups.Count} groups): {seconds:F1} s, {result.Sweeps} sweeps, converged {result.Converged}, recovered {recovered}, peak RSS {Gib(ProcessMemory.PeakResidentBytes())}");
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB");

    private static void Print(string line) => System.Console.WriteLine(line);
}

using System.Runtime.InteropServices;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Core.Execution;

namespace FusionCluster.Alignment.Matching;

/// <summary>
/// Git Re-Basin weight matching (Ainsworth et al. 2022): coordinate descent over permutation groups.
/// Each sweep visits the groups in a seeded random order; a visit sums, over the tensors the group
/// permutes, W_ref·P(W_other)ᵀ with the group's axis first and every other group's current permutation
/// applied to the other model, and solves one linear assignment on it. A new permutation is kept only
/// if it raises the group's objective; sweeps stop when none does, or after the iteration limit.
/// The sweeps start from an anchored start (<see cref="AnchoredStart"/>) rather than from the identity.
/// </summary>
public static class WeightMatcher
{
    public static AlignmentResult Match(IAlignmentTensors reference, IAlignmentTensors other, PermutationSpec spec, WeightMatchingOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WeightMatchingOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Iterations);
        // Shapes first: models of two widths failed the spec check naming only the reference, never saying they differ.
        PermutationSpec.CheckSameShapes(reference.Shapes, reference.Name, other.Shapes, other.Name);
        spec.CheckCovers(reference.Shapes, reference.Name);
        spec.CheckCovers(other.Shapes, other.Name);
        var solver = options.Solver ?? new JonkerVolgenantSolver();

        var permutations = AnchoredStart(reference, other, spec, solver, options.Log, cancellationToken);
        var objectives = spec.Groups.ToDictionary(g => g.Name, _ => (Before: 0.0, After: 0.0), StringComparer.Ordinal);
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, spec.Groups.Count).ToArray();
        var sweeps = 0;
        var converged = false;
        while (sweeps < options.Iterations && !converged)
        {
            sweeps++;
            random.Shuffle(order);
            var improved = false;
            foreach (var index in order)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // A job's align unit may sweep for minutes: each group solved is progress (the worker's stall rule).
                UnitProgress.Beat();
                var group = spec.Groups[index];
                var axes = spec.AxesOf(group.Name);
                var similarity = FiniteSimilarity(reference, other, spec, group, axes, permutations);
                var current = permutations[group.Name];
                var candidate = solver.Solve(similarity, group.Size);
                var before = AssignmentObjective.Of(similarity, group.Size, Enumerable.Range(0, group.Size).ToArray());
                var kept = AssignmentObjective.Of(similarity, group.Size, current);
                var found = AssignmentObjective.Of(similarity, group.Size, candidate);
                if (found > kept + (1e-12 * Math.Max(1, Math.Abs(kept))))
                {
                    permutations[group.Name] = candidate;
                    kept = found;
                    improved = true;
                }

                objectives[group.Name] = (before, kept);
                options.Log?.Invoke($"sweep {sweeps}: {group.Name} ({group.Size} units): objective {kept:G6} (unpermuted {before:G6})");
            }

            converged = !improved;
        }

        var groups = spec.Groups
            .Select(g =>
            {
                var permutation = permutations[g.Name];
                return new GroupAlignment(g.Name, permutation, permutation.Where((from, to) => from != to).Count(), objectives[g.Name].Before, objectives[g.Name].After);
            })
            .ToList();
        return new AlignmentResult(groups, sweeps, converged);
    }

    /// <summary>
    /// The permutations the sweeps start from. Starting from the identity, the first group visited is solved on tensors
    /// whose other axes are still unmatched, so it fits noise, and every group solved after it is then held by that fit:
    /// weight matching of a randomly permuted two-block llama at 7B widths (vocabulary 256) once stopped there, with its
    /// residual stream never moved. Instead, each group is first solved once on the tensors it alone leaves unmatched (its
    /// other permuted axes all belong to groups already solved here): a llama's residual stream on its embeddings, norms
    /// and head, then every block's heads and FFN units given it; a classifier's layers from the input on. Groups are taken
    /// in the spec's order, again until none is left that has such a tensor; those never solved start as the identity.
    /// </summary>
    internal static Dictionary<string, int[]> AnchoredStart(IAlignmentTensors reference, IAlignmentTensors other, PermutationSpec spec, ILinearAssignmentSolver solver, Action<string>? log, CancellationToken cancellationToken)
    {
        var permutations = spec.Groups.ToDictionary(g => g.Name, g => Enumerable.Range(0, g.Size).ToArray(), StringComparer.Ordinal);
        var solved = new HashSet<string>(StringComparer.Ordinal);
        for (var progress = true; progress;)
        {
            progress = false;
            foreach (var group in spec.Groups.Where(g => !solved.Contains(g.Name)))
            {
                var anchored = spec.AxesOf(group.Name)
                    .Where(t => spec.Tensors[t.Tensor].All(axis => axis.Group == group.Name || solved.Contains(axis.Group)))
                    .ToList();
                if (anchored.Count == 0)
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                UnitProgress.Beat();
                permutations[group.Name] = solver.Solve(FiniteSimilarity(reference, other, spec, group, anchored, permutations), group.Size);
                solved.Add(group.Name);
                progress = true;
                log?.Invoke($"start: {group.Name} ({group.Size} units) from {anchored.Count} tensors");
            }
        }

        return permutations;
    }

    /// <summary>S[i, j] = Σ over the given tensors of the group of unit i of the reference · unit j of the other model.</summary>
    /// <summary>
    /// <see cref="Similarity"/>, refused when a value is not finite: a NaN or infinity in either model's tensors of the
    /// group leaves no assignment to find, and the solver's own complaint named neither the models nor the tensors.
    /// </summary>
    private static float[] FiniteSimilarity(IAlignmentTensors reference, IAlignmentTensors other, PermutationSpec spec, PermutationGroup group, IReadOnlyList<(string Tensor, PermutedAxis Axis)> axes, IReadOnlyDictionary<string, int[]> permutations)
    {
        var similarity = Similarity(reference, other, spec, group, axes, permutations);
        if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum<float>(similarity)) && Array.Exists(similarity, v => !float.IsFinite(v)))
        {
            throw new AlignmentException(
                $"weight matching of {group.Name}: {reference.Name} or {other.Name} holds a NaN or infinite value in {string.Join(", ", axes.Select(a => a.Tensor).Distinct().Take(4))}{(axes.Select(a => a.Tensor).Distinct().Count() > 4 ? " ..." : "")}, so its units have no similarity to match by");
        }

        return similarity;
    }

    internal static float[] Similarity(IAlignmentTensors reference, IAlignmentTensors other, PermutationSpec spec, PermutationGroup group, IReadOnlyList<(string Tensor, PermutedAxis Axis)> axes, IReadOnlyDictionary<string, int[]> permutations)
    {
        var similarity = new float[(long)group.Size * group.Size];
        foreach (var (tensor, axis) in axes)
        {
            var shape = reference.Shapes[tensor];
            var rank = shape.Length;
            var order = new[] { axis.Axis }.Concat(Enumerable.Range(0, rank).Where(a => a != axis.Axis)).ToArray();
            var maps = new int[]?[rank];
            foreach (var permuted in spec.Tensors[tensor])
            {
                if (permuted.Axis != axis.Axis && !AxisIndexMap.IsIdentity(permutations[permuted.Group]))
                {
                    maps[permuted.Axis] = AxisIndexMap.Expand(permutations[permuted.Group], permuted.BlockSize);
                }
            }

            var referenceRows = AxisFirst(reference.Read(tensor), shape, order, new int[]?[rank]);
            var otherRows = AxisFirst(other.Read(tensor), shape, order, maps);
            var depth = checked((int)(referenceRows.Length / group.Size));
            SimilarityKernel.AccumulateProduct(referenceRows, otherRows, group.Size, depth, similarity);
        }

        return similarity;
    }

    private static float[] AxisFirst(float[] values, long[] shape, int[] order, int[]?[] maps)
    {
        if (order[0] == 0 && maps.All(m => m is null))
        {
            return values;
        }

        var moved = new float[values.Length];
        TensorGather.Gather(MemoryMarshal.AsBytes(values.AsSpan()), MemoryMarshal.AsBytes(moved.AsSpan()), sizeof(float), shape, order, maps);
        return moved;
    }
}

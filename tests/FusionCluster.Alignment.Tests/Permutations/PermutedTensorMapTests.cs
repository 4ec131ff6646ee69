using System.Runtime.InteropServices;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Alignment.Tests.Support;

namespace FusionCluster.Alignment.Tests.Permutations;

public sealed class PermutedTensorMapTests
{
    // A [6, 4, 5] tensor: axis 0 is 3 units of 2 (blocks), axis 2 is 5 single units, axis 1 is left alone.
    private static readonly long[] Shape = [6, 4, 5];
    private static readonly int[] Pairs = [2, 0, 1];
    private static readonly int[] Columns = [4, 2, 0, 3, 1];

    private static readonly PermutationSpec Spec = new(
        [new PermutationGroup("pairs", 3), new PermutationGroup("columns", 5)],
        new Dictionary<string, IReadOnlyList<PermutedAxis>> { ["t"] = [new PermutedAxis(0, "pairs", 2), new PermutedAxis(2, "columns")] });

    private static readonly Dictionary<string, int[]> Permutations = new() { ["pairs"] = Pairs, ["columns"] = Columns };

    [Fact]
    public void Gathering_through_the_axis_maps_matches_the_reference_permutation()
    {
        var values = Enumerable.Range(0, 120).Select(i => (float)i).ToArray();
        var expected = ReferencePermutation.Apply(values, Shape, new Dictionary<int, (int[], int)> { [0] = (Pairs, 2), [2] = (Columns, 1) });

        var actual = new float[values.Length];
        var maps = new PermutedTensorMap(Spec, Permutations).AxisMaps("t", Shape);
        TensorGather.Gather(MemoryMarshal.AsBytes(values.AsSpan()), MemoryMarshal.AsBytes(actual.AsSpan()), sizeof(float), Shape, order: null, maps);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Gathering_with_an_axis_moved_first_transposes()
    {
        // [2, 3] moved to [3, 2]: element (j, i) is the source's (i, j).
        float[] values = [1, 2, 3, 4, 5, 6];
        var actual = new float[6];

        TensorGather.Gather(MemoryMarshal.AsBytes(values.AsSpan()), MemoryMarshal.AsBytes(actual.AsSpan()), sizeof(float), [2, 3], [1, 0], [null, null]);

        Assert.Equal([1f, 4, 2, 5, 3, 6], actual);
    }

    [Fact]
    public void Source_runs_of_any_slice_read_the_reference_permutations_elements()
    {
        var values = Enumerable.Range(0, 120).Select(i => (float)i).ToArray();
        var expected = ReferencePermutation.Apply(values, Shape, new Dictionary<int, (int[], int)> { [0] = (Pairs, 2), [2] = (Columns, 1) });
        var map = new PermutedTensorMap(Spec, Permutations);

        foreach (var (start, count) in new[] { (0L, 120L), (7L, 1L), (13L, 31L), (119L, 1L), (40L, 0L) })
        {
            var read = map.SourceRuns("t", Shape, start, count).SelectMany(r => values.Skip((int)r.SourceStart).Take((int)r.Length)).ToArray();
            Assert.Equal(expected.Skip((int)start).Take((int)count), read);
        }
    }

    [Fact]
    public void Unpermuted_trailing_axes_are_read_in_whole_runs()
    {
        // Only axis 0 moves: each permuted row is one contiguous run of 20 elements of the original.
        var spec = new PermutationSpec([new PermutationGroup("rows", 6)], new Dictionary<string, IReadOnlyList<PermutedAxis>> { ["t"] = [new PermutedAxis(0, "rows")] });
        var map = new PermutedTensorMap(spec, new Dictionary<string, int[]> { ["rows"] = [5, 4, 3, 2, 1, 0] });

        Assert.Equal([new SourceRun(100, 20), new SourceRun(80, 20)], map.SourceRuns("t", Shape, 0, 40));
    }
}

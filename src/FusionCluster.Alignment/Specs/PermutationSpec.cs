namespace FusionCluster.Alignment.Specs;

/// <summary>
/// Which axes of which tensors each permutation group moves (git re-basin's permutation spec, with
/// whole-block units). Permuting every listed axis of every tensor by its group's permutation leaves the
/// network's function unchanged; tensors listed with no axes are never permuted.
/// </summary>
public sealed class PermutationSpec
{
    private readonly Dictionary<string, PermutationGroup> groupsByName;

    public PermutationSpec(IReadOnlyList<PermutationGroup> groups, IReadOnlyDictionary<string, IReadOnlyList<PermutedAxis>> tensors)
    {
        Groups = groups;
        Tensors = tensors;
        groupsByName = new Dictionary<string, PermutationGroup>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            if (group.Size <= 0)
            {
                throw new AlignmentException($"permutation group '{group.Name}' has size {group.Size}; it must be positive");
            }

            if (!groupsByName.TryAdd(group.Name, group))
            {
                throw new AlignmentException($"permutation group '{group.Name}' is defined twice");
            }
        }

        foreach (var (tensor, axes) in tensors)
        {
            foreach (var axis in axes)
            {
                if (!groupsByName.ContainsKey(axis.Group))
                {
                    throw new AlignmentException($"tensor '{tensor}': axis {axis.Axis} names permutation group '{axis.Group}', which the spec does not define");
                }

                if (axis.BlockSize <= 0 || axis.Axis < 0)
                {
                    throw new AlignmentException($"tensor '{tensor}': axis {axis.Axis} of group '{axis.Group}' needs a non-negative axis and a positive block size, got block {axis.BlockSize}");
                }
            }

            var repeated = axes.GroupBy(a => a.Axis).FirstOrDefault(g => g.Count() > 1);
            if (repeated is not null)
            {
                throw new AlignmentException($"tensor '{tensor}': axis {repeated.Key} is permuted by more than one group");
            }
        }
    }

    /// <summary>The groups in a fixed order (the order reports list them in).</summary>
    public IReadOnlyList<PermutationGroup> Groups { get; }

    /// <summary>Every tensor of the model, with the axes permuted (none for a tensor left as is).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PermutedAxis>> Tensors { get; }

    public PermutationGroup Group(string name) =>
        groupsByName.TryGetValue(name, out var group) ? group : throw new AlignmentException($"no permutation group '{name}'");

    /// <summary>The tensors (in name order) and axes that a group permutes.</summary>
    public IReadOnlyList<(string Tensor, PermutedAxis Axis)> AxesOf(string group) =>
        Tensors.OrderBy(t => t.Key, StringComparer.Ordinal)
            .SelectMany(t => t.Value.Where(a => a.Group == group).Select(a => (t.Key, a)))
            .ToList();

    /// <summary>
    /// Checks that the spec covers exactly a model's tensors and that every permuted axis has the
    /// group's size times its block size; <paramref name="model"/> names the model in errors.
    /// </summary>
    public void CheckCovers(IReadOnlyDictionary<string, long[]> shapes, string model)
    {
        foreach (var name in shapes.Keys.Order(StringComparer.Ordinal))
        {
            if (!Tensors.ContainsKey(name))
            {
                throw new AlignmentException($"{model}: tensor '{name}' is not covered by the permutation spec (list it, with no axes if it is never permuted)");
            }
        }

        foreach (var (name, axes) in Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (!shapes.TryGetValue(name, out var shape))
            {
                throw new AlignmentException($"{model}: the permutation spec names tensor '{name}', which the model does not have");
            }

            foreach (var axis in axes)
            {
                var group = groupsByName[axis.Group];
                if (axis.Axis >= shape.Length)
                {
                    throw new AlignmentException($"{model}: tensor '{name}' has {shape.Length} axes, but group '{group.Name}' permutes axis {axis.Axis}");
                }

                if (shape[axis.Axis] != (long)group.Size * axis.BlockSize)
                {
                    throw new AlignmentException(
                        $"{model}: tensor '{name}' axis {axis.Axis} has {shape[axis.Axis]} entries, but group '{group.Name}' has {group.Size} units of {axis.BlockSize} (= {(long)group.Size * axis.BlockSize})");
                }
            }
        }
    }

    /// <summary>Checks that two models have the same tensors with the same shapes before matching them.</summary>
    public static void CheckSameShapes(IReadOnlyDictionary<string, long[]> reference, string referenceName, IReadOnlyDictionary<string, long[]> other, string otherName)
    {
        foreach (var (name, shape) in reference.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (!other.TryGetValue(name, out var otherShape))
            {
                throw new AlignmentException($"tensor '{name}' is in {referenceName} but not in {otherName}");
            }

            if (!shape.SequenceEqual(otherShape))
            {
                throw new AlignmentException($"tensor '{name}' is [{string.Join(", ", shape)}] in {referenceName} but [{string.Join(", ", otherShape)}] in {otherName}");
            }
        }

        var extra = other.Keys.Order(StringComparer.Ordinal).FirstOrDefault(n => !reference.ContainsKey(n));
        if (extra is not null)
        {
            throw new AlignmentException($"tensor '{extra}' is in {otherName} but not in {referenceName}");
        }
    }
}

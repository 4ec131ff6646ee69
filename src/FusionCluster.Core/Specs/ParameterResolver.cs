namespace FusionCluster.Core.Specs;

/// <summary>
/// mergekit's parameter lookup (ConfigReader.parameter): the first non-null of the slice source's parameters for
/// the model, the slice's parameters, then the top-level parameters, each evaluated for the tensor name and t.
/// A conditional setting whose filters all miss yields null and so falls through to the next level, as in mergekit.
/// <para>
/// Choosing t (the planner's job, <see cref="LayerT"/> helps): layer tensors use their index within the slice,
/// so gradients restart in every slice; a models: spec is one slice spanning all the model's layers.
/// Pre-weights (embeddings) are evaluated with t = 0 (<see cref="PrePostT"/>) against <c>Slices[0]</c>, and
/// post-weights (final norm, lm_head) with t = 0 against <c>Slices[^1]</c>.
/// </para>
/// </summary>
public static class ParameterResolver
{
    /// <summary>t for pre-weights (embeddings) and post-weights (final norm, lm_head): a gradient's first value.</summary>
    public const double PrePostT = 0.0;

    /// <summary>
    /// The value of <paramref name="parameter"/> for one tensor, or null when nothing sets it (the caller then
    /// applies the method's default or reports a missing required parameter).
    /// </summary>
    /// <param name="model">The model for a per-model (tensor) parameter such as weight or density; null for a
    /// global method parameter such as normalize or t, which mergekit looks up without a model and so never
    /// reads from source parameters.</param>
    public static double? Resolve(MergeSpec spec, SliceSpec slice, string parameter, string? model, string tensorName, double t)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(tensorName);

        if (model is not null)
        {
            foreach (var source in slice.Sources)
            {
                if (source.Model == model && Evaluate(source.Parameters, parameter, tensorName, t) is { } fromSource)
                {
                    return fromSource;
                }
            }
        }

        return Evaluate(slice.Parameters, parameter, tensorName, t) ?? Evaluate(spec.Parameters, parameter, tensorName, t);
    }

    /// <summary>Like <see cref="Resolve"/>, falling back to <paramref name="defaultValue"/>.</summary>
    public static double ResolveOrDefault(MergeSpec spec, SliceSpec slice, string parameter, string? model, string tensorName, double t, double defaultValue) =>
        Resolve(spec, slice, parameter, model, tensorName, t) ?? defaultValue;

    /// <summary>
    /// t of the layer at <paramref name="indexInSlice"/> (0-based) in a slice of <paramref name="sliceLayerCount"/>
    /// layers: idx / (n - 1), or 1 when the slice has a single layer (mergekit's rule).
    /// </summary>
    public static double LayerT(int indexInSlice, int sliceLayerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceLayerCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(indexInSlice);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(indexInSlice, sliceLayerCount);
        return sliceLayerCount == 1 ? 1.0 : (double)indexInSlice / (sliceLayerCount - 1);
    }

    private static double? Evaluate(IReadOnlyDictionary<string, ParameterSetting> parameters, string name, string tensorName, double t) =>
        parameters.TryGetValue(name, out var setting) ? setting.Evaluate(tensorName, t) : null;
}

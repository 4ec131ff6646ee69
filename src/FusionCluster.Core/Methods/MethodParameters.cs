namespace FusionCluster.Core.Methods;

/// <summary>
/// Defensive parameter reads: the engine fills defaults, but a method should still produce a clear
/// error (naming tensor, model and parameter) rather than a KeyNotFoundException.
/// </summary>
public static class MethodParameters
{
    public static double Global(MergeTensorContext ctx, string name, double fallback) =>
        ctx.Parameters.TryGetValue(name, out var v) ? v : fallback;

    public static bool Flag(MergeTensorContext ctx, string name, bool fallback) =>
        ctx.Parameters.TryGetValue(name, out var v) ? v != 0 : fallback;

    public static double RequiredGlobal(MergeTensorContext ctx, string name) =>
        ctx.Parameters.TryGetValue(name, out var v)
            ? v
            : throw new MergeMethodException($"tensor '{ctx.TensorName}': required parameter '{name}' has no value");

    public static double RequiredPerModel(MergeTensorContext ctx, ModelTensor model, string name) =>
        model.Parameters.TryGetValue(name, out var v)
            ? v
            : throw new MergeMethodException(
                $"tensor '{ctx.TensorName}': model '{model.Model}' has no value for required parameter '{name}'");

    public static void RequireBase(MergeTensorContext ctx, string method)
    {
        if (ctx.Base is null)
        {
            throw new MergeMethodException($"tensor '{ctx.TensorName}': {method} requires a base_model");
        }
    }

    public static void RequireModelCount(MergeTensorContext ctx, string method, int min, int max)
    {
        var n = ctx.Models.Count;
        if (n < min || n > max)
        {
            var expected = min == max ? $"exactly {min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw new MergeMethodException(
                $"tensor '{ctx.TensorName}': {method} needs {expected} non-base model(s), got {n}");
        }
    }
}

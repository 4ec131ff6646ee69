using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Whether every parameter a spec sets is one its merge method accepts. Needs no inputs: the spec reader runs it on
/// each parameter at its line (<see cref="UnknownMessage"/>), and the planner on the whole spec, for a sweep's points
/// (where one that only some points' methods take fails those points alone) and specs built in code.
/// </summary>
public static class SpecParameterNames
{
    /// <exception cref="SpecException">A parameter the method does not accept; the message names where, the name and what is accepted.</exception>
    public static void Check(MergeSpec spec, IMergeMethod method)
    {
        ArgumentNullException.ThrowIfNull(spec);
        void Check(IReadOnlyDictionary<string, ParameterSetting> parameters, string where)
        {
            foreach (var name in parameters.Keys)
            {
                if (UnknownMessage(method, name) is { } unknown)
                {
                    throw new SpecException($"{where}.{name}: {unknown}");
                }
            }
        }

        Check(spec.Parameters, "parameters");
        for (var s = 0; s < spec.Slices.Count; s++)
        {
            var slice = spec.Slices[s];
            Check(slice.Parameters, $"slices[{s}].parameters");
            for (var i = 0; i < slice.Sources.Count; i++)
            {
                Check(slice.Sources[i].Parameters, spec.UsesModels ? $"models[{i}].parameters" : $"slices[{s}].sources[{i}].parameters");
            }
        }
    }

    /// <summary>The error for a parameter <paramref name="method"/> does not accept (the closest it does, and all it does), or null when it accepts it.</summary>
    public static string? UnknownMessage(IMergeMethod method, string name)
    {
        ArgumentNullException.ThrowIfNull(method);
        var accepted = method.Parameters.Select(p => p.Name).ToList();
        if (accepted.Contains(name, StringComparer.Ordinal))
        {
            return null;
        }

        var list = accepted.Count == 0 ? "none" : string.Join(", ", accepted.Order(StringComparer.Ordinal));
        var closest = SpellingSuggestion.Closest(name, accepted);
        return $"merge_method '{method.Name}' has no parameter '{name}' ({(closest is null ? "" : $"did you mean '{closest}'? ")}it accepts: {list})";
    }
}

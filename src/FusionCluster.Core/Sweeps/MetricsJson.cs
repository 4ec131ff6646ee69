using System.Text.Json;
using System.Text.Json.Serialization;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// JSON options for anything that holds metrics. A metric may be NaN (a cosine against a zero vector: the
/// <c>task_cosine</c> of a point that is the base itself) or infinite (the perplexity of a model that gives a token no
/// probability), and strict JSON has no number for either: they are written as the strings "NaN", "Infinity" and
/// "-Infinity" and read back as the same values.
/// </summary>
public static class MetricsJson
{
    public static JsonSerializerOptions Compact { get; } = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static JsonSerializerOptions Indented { get; } = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, WriteIndented = true };
}

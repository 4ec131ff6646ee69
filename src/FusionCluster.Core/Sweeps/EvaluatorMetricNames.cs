using System.Globalization;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// The names of the metrics the built-in evaluators report, in one place for the evaluators that report them and for
/// the sweep reader, which refuses an objective that no evaluator of the sweep reports before a single merge runs
/// (otherwise a misspelt objective fails every point of a run only after all of them were merged).
/// </summary>
public static class EvaluatorMetricNames
{
    public const string Accuracy = "accuracy";
    public const string CrossEntropy = "cross_entropy";
    public const string Samples = "samples";

    public const string Perplexity = "perplexity";
    public const string Nll = "nll";
    public const string Tokens = "tokens";
    public const string Windows = "windows";
    public const string Context = "context";
    public const string TokensPerSecond = "tokens_per_second";

    /// <summary>The merged model's distance from the base (the tensors evaluator with a base).</summary>
    public const string BaseDistance = "l2_distance/base";

    private const string ClassAccuracyPrefix = "accuracy/class_";

    public static string ClassAccuracy(int label) => ClassAccuracyPrefix + label.ToString(CultureInfo.InvariantCulture);

    public static string L2Distance(string reference) => $"l2_distance/{reference}";

    public static string Cosine(string reference) => $"cosine/{reference}";

    public static string TaskCosine(string reference) => $"task_cosine/{reference}";

    public static string SignAgreement(string reference) => $"sign_agreement/{reference}";

    /// <summary>
    /// What the evaluators may report, for a person to read (<c>accuracy/class_&lt;label&gt;</c> stands for every label of a
    /// dataset whose classes are not listed); null when one of them may report any name (a command).
    /// </summary>
    public static IReadOnlyList<string>? Of(SweepEvaluatorSpec evaluators)
    {
        ArgumentNullException.ThrowIfNull(evaluators);
        if (evaluators.Command is not null)
        {
            return null;
        }

        var names = new List<string>();
        if (evaluators.Accuracy is { } accuracy)
        {
            names.AddRange([Accuracy, CrossEntropy, Samples]);
            names.AddRange(accuracy.Classes is { } classes ? classes.Select(ClassAccuracy) : [ClassAccuracyPrefix + "<label>"]);
        }

        if (evaluators.Tensors is { } tensors)
        {
            foreach (var reference in tensors.Compare.Select(c => c.Key))
            {
                names.AddRange([L2Distance(reference), Cosine(reference)]);
                if (tensors.Base is not null)
                {
                    names.AddRange([TaskCosine(reference), SignAgreement(reference)]);
                }
            }

            if (tensors.Base is not null)
            {
                names.Add(BaseDistance);
            }
        }

        if (evaluators.Perplexity is not null)
        {
            names.AddRange([Perplexity, Nll, Tokens, Windows, Context, TokensPerSecond]);
        }

        return names;
    }

    /// <summary>Whether the evaluators may report <paramref name="metric"/>.</summary>
    public static bool MayReport(SweepEvaluatorSpec evaluators, string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (Of(evaluators) is not { } names || names.Contains(metric, StringComparer.Ordinal))
        {
            return true;
        }

        return evaluators.Accuracy is { Classes: null }
            && metric.StartsWith(ClassAccuracyPrefix, StringComparison.Ordinal)
            && int.TryParse(metric.AsSpan(ClassAccuracyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}

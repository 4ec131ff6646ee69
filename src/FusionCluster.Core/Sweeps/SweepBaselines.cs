namespace FusionCluster.Core.Sweeps;

/// <summary>The names a sweep's <c>baselines:</c> list takes.</summary>
public static class SweepBaselines
{
    /// <summary>Every input model of the template (its models, then its base model), each as it is.</summary>
    public const string Inputs = "inputs";

    /// <summary>Ensembles of the template's models (not the base) by these rules, as <c>fusion ensemble --rule</c> spells them.</summary>
    public static readonly IReadOnlyList<string> EnsembleRules = ["mean-probs", "mean-logits", "vote"];

    public static readonly IReadOnlyList<string> Known = [Inputs, .. EnsembleRules];
}

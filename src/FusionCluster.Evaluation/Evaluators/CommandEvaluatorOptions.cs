namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Whether a silo runs the command evaluator of sweeps (configuration section Fusion:Evaluation:Command;
/// fusion-silo, fusion dashboard and fusion sweep run set it with --allow-command-evaluator). Off unless
/// enabled: a command is any shell line a sweep's author wrote, run as the silo's user.
/// </summary>
public sealed class CommandEvaluatorOptions
{
    public const string Section = "Fusion:Evaluation:Command";

    public const string Switch = "--allow-command-evaluator";

    public bool Enabled { get; set; }

    /// <summary>The refusal a sweep's evaluation gets from a silo that has the command evaluator off.</summary>
    public static string DisabledMessage(string silo) =>
        $"the command evaluator is off on silo {silo}: start it with {Switch} (or set {Section}:Enabled=true) to let sweeps run commands there";
}

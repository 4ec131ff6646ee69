namespace FusionCluster.Dashboard.Specs;

/// <summary>
/// Starting points for the New merge page, over the models `fusion synth DIR` writes (base, ft-1, ft-2):
/// with DIR as the model folder they run as they are. They mirror the CLI's examples.
/// </summary>
public static class ExampleSpecs
{
    public static IReadOnlyList<ExampleSpec> All { get; } =
    [
        new("linear", "weighted average of the base and two fine-tunes (model soup)",
            "merge_method: linear\nmodels:\n  - model: base\n    parameters:\n      weight: 1.0\n  - model: ft-1\n    parameters:\n      weight: 1.0\n  - model: ft-2\n    parameters:\n      weight: 1.0\ndtype: bfloat16\n"),
        new("task_arithmetic", "adds half of each fine-tune's delta to the base",
            "merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters:\n      weight: 0.5\n  - model: ft-2\n    parameters:\n      weight: 0.5\ndtype: bfloat16\n"),
        new("ties", "TIES: trims each delta to its largest half, elects signs, merges the agreeing parts",
            "merge_method: ties\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters:\n      weight: 1.0\n      density: 0.5\n  - model: ft-2\n    parameters:\n      weight: 1.0\n      density: 0.5\nparameters:\n  normalize: true\n  int8_mask: true\ndtype: bfloat16\n"),
        new("dare_ties", "DARE: drops half of each delta at random and rescales, then TIES' sign election",
            "merge_method: dare_ties\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters:\n      weight: 1.0\n      density: 0.5\n  - model: ft-2\n    parameters:\n      weight: 1.0\n      density: 0.5\ndtype: bfloat16\n"),
        new("slerp", "spherical interpolation of two models, with per-layer gradients for attention and MLP",
            "merge_method: slerp\nbase_model: base\nmodels:\n  - model: base\n  - model: ft-1\nparameters:\n  t:\n    - filter: self_attn\n      value: [0, 0.5, 0.3, 0.7, 1]\n    - filter: mlp\n      value: [1, 0.5, 0.7, 0.3, 0]\n    - value: 0.5\ndtype: bfloat16\n"),
        new("model_stock", "Model Stock: interpolates towards the fine-tunes' centre by their angle",
            "merge_method: model_stock\nbase_model: base\nmodels:\n  - model: ft-1\n  - model: ft-2\ndtype: bfloat16\n"),
    ];
}

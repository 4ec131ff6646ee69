namespace FusionCluster.Cli.Commands;

/// <summary>mergekit-style specs over a synthesized base and its fine-tunes, written next to them.</summary>
public static class ExampleSpecs
{
    public static IReadOnlyDictionary<string, string> For(int fineTunes)
    {
        var tunes = Enumerable.Range(1, fineTunes).Select(i => $"ft-{i}").ToList();
        string Models(string parameters) => string.Join("\n", tunes.Select(t => $"  - model: {t}\n    parameters:\n{parameters}"));
        var specs = new Dictionary<string, string>
        {
            ["linear"] = $"merge_method: linear\nmodels:\n  - model: base\n    parameters:\n      weight: 1.0\n{Models("      weight: 1.0")}\ndtype: bfloat16\n",
            ["task_arithmetic"] = $"merge_method: task_arithmetic\nbase_model: base\nmodels:\n{Models("      weight: 0.5")}\ndtype: bfloat16\n",
            ["ties"] = $"merge_method: ties\nbase_model: base\nmodels:\n{Models("      weight: 1.0\n      density: 0.5")}\nparameters:\n  normalize: true\n  int8_mask: true\ndtype: bfloat16\n",
            ["dare_ties"] = $"merge_method: dare_ties\nbase_model: base\nmodels:\n{Models("      weight: 1.0\n      density: 0.5")}\ndtype: bfloat16\n",
            ["slerp"] = "merge_method: slerp\nbase_model: base\nmodels:\n  - model: base\n  - model: ft-1\nparameters:\n  t:\n    - filter: self_attn\n      value: [0, 0.5, 0.3, 0.7, 1]\n    - filter: mlp\n      value: [1, 0.5, 0.7, 0.3, 0]\n    - value: 0.5\ndtype: bfloat16\n",
        };
        if (fineTunes >= 2)
        {
            specs["model_stock"] = $"merge_method: model_stock\nbase_model: base\nmodels:\n{string.Join("\n", tunes.Select(t => $"  - model: {t}"))}\ndtype: bfloat16\n";
        }

        return specs;
    }
}

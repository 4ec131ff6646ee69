namespace FusionCluster.Core.Synthesis;

/// <summary>
/// mergekit-style specs over a synthesized base and its fine-tunes (what `fusion synth DIR` writes: base,
/// ft-1, ft-2 ...). `fusion synth` writes them next to the models; the dashboard's New merge page offers
/// them; with DIR as the model folder they run as they are.
/// </summary>
public static class ExampleSpecs
{
    public static IReadOnlyList<ExampleSpec> For(int fineTunes)
    {
        var tunes = Enumerable.Range(1, fineTunes).Select(i => $"ft-{i}").ToList();
        string Models(string parameters) => string.Join("\n", tunes.Select(t => $"  - model: {t}\n    parameters:\n{parameters}"));
        var specs = new List<ExampleSpec>
        {
            new("linear", "weighted average of the base and the fine-tunes (model soup)",
                $"merge_method: linear\nmodels:\n  - model: base\n    parameters:\n      weight: 1.0\n{Models("      weight: 1.0")}\ndtype: bfloat16\n"),
            new("task_arithmetic", "adds half of each fine-tune's delta to the base",
                $"merge_method: task_arithmetic\nbase_model: base\nmodels:\n{Models("      weight: 0.5")}\ndtype: bfloat16\n"),
            new("ties", "TIES: trims each delta to its largest half, elects signs, merges the agreeing parts",
                $"merge_method: ties\nbase_model: base\nmodels:\n{Models("      weight: 1.0\n      density: 0.5")}\nparameters:\n  normalize: true\n  int8_mask: true\ndtype: bfloat16\n"),
            new("dare_ties", "DARE: drops half of each delta at random and rescales, then TIES' sign election",
                $"merge_method: dare_ties\nbase_model: base\nmodels:\n{Models("      weight: 1.0\n      density: 0.5")}\ndtype: bfloat16\n"),
            new("slerp", "spherical interpolation of two models, with per-layer gradients for attention and MLP",
                "merge_method: slerp\nbase_model: base\nmodels:\n  - model: base\n  - model: ft-1\nparameters:\n  t:\n    - filter: self_attn\n      value: [0, 0.5, 0.3, 0.7, 1]\n    - filter: mlp\n      value: [1, 0.5, 0.7, 0.3, 0]\n    - value: 0.5\ndtype: bfloat16\n"),
        };
        if (fineTunes >= 2)
        {
            specs.Add(new("model_stock", "Model Stock: interpolates towards the fine-tunes' centre by their angle",
                $"merge_method: model_stock\nbase_model: base\nmodels:\n{string.Join("\n", tunes.Select(t => $"  - model: {t}"))}\ndtype: bfloat16\n"));
        }

        // Beyond mergekit (issue 14). The spectral methods take an SVD of every 2-D tensor, which is slow on the
        // large synthesized models; they suit small classifiers best.
        specs.Add(new("ram", "RAM: keeps deltas only one fine-tune makes, averages those several make (sparse RL task vectors)",
            $"merge_method: ram\nbase_model: base\nmodels:\n{string.Join("\n", tunes.Select(t => $"  - model: {t}"))}\nparameters:\n  epsilon: 1.0e-5\ndtype: bfloat16\n"));
        specs.Add(new("tsv_m", "TSV-M: each task's top singular directions, decorrelated, added to the base",
            $"merge_method: tsv_m\nbase_model: base\nmodels:\n{string.Join("\n", tunes.Select(t => $"  - model: {t}"))}\nparameters:\n  alpha: 1.0\ndtype: float32\n"));
        specs.Add(new("iso_c", "Iso-C: the summed task vector with its singular values flattened to their mean",
            $"merge_method: iso_c\nbase_model: base\nmodels:\n{string.Join("\n", tunes.Select(t => $"  - model: {t}"))}\nparameters:\n  scaling_factor: 1.0\ndtype: float32\n"));
        specs.Add(new("iso_cts", "Iso-CTS: Iso-C over a common subspace plus each task's own directions",
            $"merge_method: iso_cts\nbase_model: base\nmodels:\n{string.Join("\n", tunes.Select(t => $"  - model: {t}"))}\nparameters:\n  scaling_factor: 1.0\n  common_space_fraction: 0.8\ndtype: float32\n"));
        specs.Add(new("wudi", "WUDI: optimises the merged task vector against the task vectors' interference (data-free)",
            $"merge_method: wudi\nbase_model: base\nmodels:\n{string.Join("\n", tunes.Select(t => $"  - model: {t}"))}\nparameters:\n  iter_num: 300\n  lr: 1.0e-5\ndtype: float32\n"));

        return specs;
    }
}

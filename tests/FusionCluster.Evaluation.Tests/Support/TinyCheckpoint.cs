namespace FusionCluster.Evaluation.Tests.Support;

/// <summary>Hand-made checkpoint folders: a config.json written as text and float32 tensors.</summary>
public static class TinyCheckpoint
{
    /// <summary>A linear classifier (an MLP without hidden layers) over channels x height x width inputs.</summary>
    public static string LinearClassifier(string folder, int channels, int height, int width, int labels, float[] weight, float[] bias)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""
            {"architectures": ["FusionMnistMlp"], "model_type": "fusion-mnist-mlp", "input_shape": [{{channels}}, {{height}}, {{width}}],
             "hidden_sizes": [], "num_labels": {{labels}}, "torch_dtype": "float32"}
            """);
        RawSafetensors.Write(
            Path.Combine(folder, "model.safetensors"),
            ("layers.0.weight", [labels, channels * height * width], weight),
            ("layers.0.bias", [labels], bias));
        return folder;
    }

    /// <summary>A folder with arbitrary float32 tensors and no config, for tensor metrics.</summary>
    public static string Tensors(string folder, params (string Name, long[] Shape, float[] Values)[] tensors)
    {
        Directory.CreateDirectory(folder);
        RawSafetensors.Write(Path.Combine(folder, "model.safetensors"), tensors);
        return folder;
    }
}

using System.Diagnostics;
using System.Globalization;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Tensors;
using FusionCluster.Language.Models;
using static TorchSharp.torch;

namespace FusionCluster.Language.Benchmarks;

/// <summary>
/// Forward-pass throughput of language models on this host: each case writes a bf16 checkpoint (once, reused),
/// loads it through <see cref="LanguageModelCheckpoint"/>, runs a warm-up and then timed forwards of
/// [batch, seq] tokens under no_grad, and reports the process's peak RSS since the case began (Linux).
/// </summary>
public static class LanguageBenchmark
{
    /// <summary>A small llama like the trainer's, byte-level vocabulary.</summary>
    public static LanguageModelConfig Tiny { get; } = new()
    {
        ModelType = "llama", HiddenSize = 256, IntermediateSize = 688, NumHiddenLayers = 4, NumAttentionHeads = 8, NumKeyValueHeads = 4, HeadDim = 32, VocabSize = 257, MaxPositionEmbeddings = 2048,
    };

    /// <summary>One decoder layer of Llama-2/3-7B's shape (GQA 32/8) with a 32000-token vocabulary.</summary>
    public static LanguageModelConfig SevenBillionLayer { get; } = new()
    {
        ModelType = "llama", HiddenSize = 4096, IntermediateSize = 11008, NumHiddenLayers = 1, NumAttentionHeads = 32, NumKeyValueHeads = 8, HeadDim = 128, VocabSize = 32000, MaxPositionEmbeddings = 4096,
    };

    public static LanguageBenchmarkResult Run(string name, LanguageModelConfig config, string workFolder, Device device, int batch, int sequence, int repeat)
    {
        var folder = Path.Combine(workFolder, name);
        if (!File.Exists(Path.Combine(folder, "model.safetensors")))
        {
            SyntheticLanguageModel.Write(folder, config, DType.BF16, seed: 1);
        }

        ProcessMemory.ResetPeak();
        var load = Stopwatch.StartNew();
        using var model = LanguageModelCheckpoint.Load(folder, device);
        var loadSeconds = load.Elapsed.TotalSeconds;
        var ids = new long[batch * sequence];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = (i * 7919L) % config.VocabSize;
        }

        var times = new List<double>();
        using (no_grad())
        {
            using var input = tensor(ids, [batch, sequence]).to(device);
            for (var run = 0; run <= repeat; run++)
            {
                var stopwatch = Stopwatch.StartNew();
                using (var logits = model.Forward(input))
                {
                    // Reading one value waits for an asynchronous device to finish.
                    _ = logits[0, 0, 0].item<float>();
                }

                if (run > 0)
                {
                    times.Add(stopwatch.Elapsed.TotalSeconds);
                }
            }
        }

        times.Sort();
        var median = times[times.Count / 2];
        var parameters = model.parameters().Sum(p => p.numel());
        var shape = string.Create(CultureInfo.InvariantCulture, $"{config.NumHiddenLayers}x{config.HiddenSize}/{config.IntermediateSize}, {config.NumAttentionHeads}/{config.NumKeyValueHeads} heads, vocab {config.VocabSize}, [{batch}x{sequence}]");
        return new LanguageBenchmarkResult(name, shape, parameters, loadSeconds, batch * sequence / median, median, ProcessMemory.PeakResidentBytes());
    }
}

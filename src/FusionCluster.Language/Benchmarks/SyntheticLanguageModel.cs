using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.Models;
using FusionCluster.Language.Models;

namespace FusionCluster.Language.Benchmarks;

/// <summary>Writes a checkpoint folder of a config with seeded random weights (uniform ±0.02, norms 1), for benchmarks.</summary>
public static class SyntheticLanguageModel
{
    private const int Chunk = 1 << 20;

    public static void Write(string folder, LanguageModelConfig config, DType dtype, ulong seed)
    {
        Directory.CreateDirectory(folder);
        // The module only lends its parameter names and shapes; torch.empty does not touch the memory.
        using var shapes = new LlamaForCausalLM(config);
        var tensors = shapes.named_parameters().Select(p => new TensorDescriptor(p.name, dtype, p.parameter.shape)).ToList();
        var random = new DeterministicRandom(seed);
        var layout = SafetensorsLayout.Compute(tensors);
        using (var writer = SafetensorsWriter.Create(Path.Combine(folder, CheckpointFolder.SingleFileName), layout))
        {
            var buffer = new float[Chunk];
            foreach (var descriptor in tensors)
            {
                var sink = writer.OpenSink(descriptor.Name);
                var isNorm = descriptor.Name.EndsWith("norm.weight", StringComparison.Ordinal);
                for (long start = 0; start < descriptor.ElementCount; start += Chunk)
                {
                    var length = (int)Math.Min(Chunk, descriptor.ElementCount - start);
                    for (var i = 0; i < length; i++)
                    {
                        buffer[i] = isNorm ? 1f : (float)((random.NextDouble() - 0.5) * 0.04);
                    }

                    sink.Write(start, buffer.AsSpan(0, length));
                }
            }
        }

        File.WriteAllText(Path.Combine(folder, CheckpointFolder.ConfigFileName), config.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}

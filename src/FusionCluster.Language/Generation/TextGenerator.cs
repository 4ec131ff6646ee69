using FusionCluster.Evaluation.Models;
using FusionCluster.Language.Models;
using static TorchSharp.torch;

namespace FusionCluster.Language.Generation;

/// <summary>
/// Autoregressive generation: greedy (argmax) when temperature is 0, otherwise sampling from
/// softmax(logits / temperature) with a seeded <see cref="DeterministicRandom"/>, so a seed repeats its text.
/// Each step runs the whole sequence again (no key/value cache; the models this serves are small), keeping
/// the last max_position_embeddings tokens. Stops after <c>maxNewTokens</c> or at an end-of-sequence id.
/// </summary>
public static class TextGenerator
{
    public static IReadOnlyList<int> Generate(LlamaForCausalLM model, IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 0, ulong seed = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        if (maxNewTokens < 0)
        {
            throw new ArgumentException($"--max-new-tokens {maxNewTokens}: expected 0 or more", nameof(maxNewTokens));
        }

        if (!(temperature >= 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentException($"--temperature {temperature}: expected 0 (greedy) or a positive number", nameof(temperature));
        }

        if (prompt.Count == 0)
        {
            throw new ArgumentException("the prompt has no tokens", nameof(prompt));
        }

        var random = new DeterministicRandom(seed);
        var sequence = prompt.ToList();
        var generated = new List<int>();
        using var noGrad = no_grad();
        for (var step = 0; step < maxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Math.Max(0, sequence.Count - model.Config.MaxPositionEmbeddings);
            var window = sequence.Skip(start).Select(id => (long)id).ToArray();
            float[] last;
            using (var scope = NewDisposeScope())
            {
                var logits = model.Forward(tensor(window, [1, window.Length]));
                last = logits[0, window.Length - 1].cpu().data<float>().ToArray();
            }

            var next = temperature == 0 ? ArgMax(last) : Sample(last, temperature, random);
            sequence.Add(next);
            generated.Add(next);
            if (model.Config.EosTokenIds.Contains(next))
            {
                break;
            }
        }

        return generated;
    }

    private static int ArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static int Sample(float[] logits, double temperature, DeterministicRandom random)
    {
        var max = logits.Max();
        var weights = logits.Select(z => Math.Exp((z - max) / temperature)).ToArray();
        var draw = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            draw -= weights[i];
            if (draw < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}

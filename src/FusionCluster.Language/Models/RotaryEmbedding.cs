using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// Rotary position embeddings as Hugging Face applies them: frequency i (of head_dim / 2) rotates the pair
/// (x[i], x[i + head_dim/2]), i.e. the two halves of each head (rotate_half), not interleaved neighbours.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary>The per-pair inverse frequencies θ^(-2i/d), rescaled as rope_scaling says.</summary>
    public static double[] InverseFrequencies(LanguageModelConfig config)
    {
        var dim = config.HeadDim;
        var frequencies = new double[dim / 2];
        for (var i = 0; i < frequencies.Length; i++)
        {
            frequencies[i] = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / dim);
        }

        switch (config.RopeScaling)
        {
            case null:
                break;
            case { Type: RopeScaling.Linear, Factor: var factor }:
                // Linear scaling divides positions by the factor, the same as dividing every frequency.
                for (var i = 0; i < frequencies.Length; i++)
                {
                    frequencies[i] /= factor;
                }

                break;
            case { Type: RopeScaling.Llama3 } llama3:
                ApplyLlama3(frequencies, llama3);
                break;
            default:
                throw new LanguageModelException($"rope_scaling type '{config.RopeScaling.Type}' is not supported");
        }

        return frequencies;
    }

    /// <summary>cos and sin [seq, head_dim] for positions offset..offset+seq-1, on <paramref name="device"/>.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(double[] inverseFrequencies, long offset, long length, Device device)
    {
        using var scope = NewDisposeScope();
        var positions = arange(offset, offset + length, ScalarType.Float32, device);
        var frequencies = tensor(inverseFrequencies.Select(f => (float)f).ToArray(), ScalarType.Float32, device);
        var angles = positions.unsqueeze(1) * frequencies.unsqueeze(0);
        var both = cat([angles, angles], 1);
        return (both.cos().MoveToOuterDisposeScope(), both.sin().MoveToOuterDisposeScope());
    }

    /// <summary>x * cos + rotate_half(x) * sin, x [batch, heads, seq, head_dim].</summary>
    internal static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        var rotated = cat([-second, first], -1);
        return (x * cos).add(rotated * sin, HeldScalars.One).MoveToOuterDisposeScope();
    }

    private static void ApplyLlama3(double[] frequencies, RopeScaling scaling)
    {
        var lowFrequencyWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.LowFreqFactor;
        var highFrequencyWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.HighFreqFactor;
        for (var i = 0; i < frequencies.Length; i++)
        {
            var wavelength = 2 * Math.PI / frequencies[i];
            if (wavelength < highFrequencyWavelength)
            {
                continue;
            }

            if (wavelength > lowFrequencyWavelength)
            {
                frequencies[i] /= scaling.Factor;
                continue;
            }

            var smooth = ((scaling.OriginalMaxPositionEmbeddings / wavelength) - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
            frequencies[i] = ((1 - smooth) * frequencies[i] / scaling.Factor) + (smooth * frequencies[i]);
        }
    }
}

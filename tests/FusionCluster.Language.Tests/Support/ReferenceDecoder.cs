using System.Text.Json;

namespace FusionCluster.Language.Tests.Support;

/// <summary>
/// A second, plain implementation of the Llama-family forward pass: arrays, loops and doubles, written
/// from Hugging Face's modeling code's semantics, sharing nothing with the TorchSharp model.
/// </summary>
public static class ReferenceDecoder
{
    /// <summary>Logits [seq][vocab] of one sequence.</summary>
    public static double[][] Logits(TinyDecoderSpec spec, IReadOnlyDictionary<string, float[]> w, int[] ids)
    {
        var n = ids.Length;
        var h = spec.Hidden;
        var d = spec.EffectiveHeadDim;
        var x = new double[n][];
        for (var t = 0; t < n; t++)
        {
            x[t] = new double[h];
            for (var j = 0; j < h; j++)
            {
                x[t][j] = w["model.embed_tokens.weight"][(ids[t] * h) + j];
            }
        }

        var frequencies = Frequencies(spec);
        for (var l = 0; l < spec.Layers; l++)
        {
            var p = $"model.layers.{l}";
            var normed = x.Select(row => Norm(row, w[$"{p}.input_layernorm.weight"], spec.Eps)).ToArray();
            var q = normed.Select(row => Project(row, w[$"{p}.self_attn.q_proj.weight"], spec.QkvBias ? w[$"{p}.self_attn.q_proj.bias"] : null)).ToArray();
            var k = normed.Select(row => Project(row, w[$"{p}.self_attn.k_proj.weight"], spec.QkvBias ? w[$"{p}.self_attn.k_proj.bias"] : null)).ToArray();
            var v = normed.Select(row => Project(row, w[$"{p}.self_attn.v_proj.weight"], spec.QkvBias ? w[$"{p}.self_attn.v_proj.bias"] : null)).ToArray();
            for (var t = 0; t < n; t++)
            {
                for (var head = 0; head < spec.Heads; head++)
                {
                    Rotate(q[t], head * d, d, t, frequencies);
                }

                for (var head = 0; head < spec.KvHeads; head++)
                {
                    Rotate(k[t], head * d, d, t, frequencies);
                }
            }

            var attended = new double[n][];
            var perGroup = spec.Heads / spec.KvHeads;
            for (var t = 0; t < n; t++)
            {
                attended[t] = new double[spec.Heads * d];
                for (var head = 0; head < spec.Heads; head++)
                {
                    var kvHead = head / perGroup;
                    var first = spec.SlidingWindow is { } window ? Math.Max(0, t - window + 1) : 0;
                    var scores = new double[t + 1];
                    var max = double.NegativeInfinity;
                    for (var s = first; s <= t; s++)
                    {
                        double dot = 0;
                        for (var i = 0; i < d; i++)
                        {
                            dot += q[t][(head * d) + i] * k[s][(kvHead * d) + i];
                        }

                        scores[s] = dot / Math.Sqrt(d);
                        max = Math.Max(max, scores[s]);
                    }

                    double total = 0;
                    for (var s = first; s <= t; s++)
                    {
                        scores[s] = Math.Exp(scores[s] - max);
                        total += scores[s];
                    }

                    for (var s = first; s <= t; s++)
                    {
                        for (var i = 0; i < d; i++)
                        {
                            attended[t][(head * d) + i] += scores[s] / total * v[s][(kvHead * d) + i];
                        }
                    }
                }
            }

            for (var t = 0; t < n; t++)
            {
                var o = Project(attended[t], w[$"{p}.self_attn.o_proj.weight"], null);
                for (var j = 0; j < h; j++)
                {
                    x[t][j] += o[j];
                }

                var m = Norm(x[t], w[$"{p}.post_attention_layernorm.weight"], spec.Eps);
                var gate = Project(m, w[$"{p}.mlp.gate_proj.weight"], null);
                var up = Project(m, w[$"{p}.mlp.up_proj.weight"], null);
                var product = new double[spec.Ffn];
                for (var i = 0; i < spec.Ffn; i++)
                {
                    product[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
                }

                var down = Project(product, w[$"{p}.mlp.down_proj.weight"], null);
                for (var j = 0; j < h; j++)
                {
                    x[t][j] += down[j];
                }
            }
        }

        var lmHead = spec.Tied ? w["model.embed_tokens.weight"] : w["lm_head.weight"];
        return x.Select(row => Project(Norm(row, w["model.norm.weight"], spec.Eps), lmHead, null)).ToArray();
    }

    /// <summary>Natural-log softmax probability of <paramref name="token"/> under <paramref name="logits"/>.</summary>
    public static double LogProbability(double[] logits, int token)
    {
        var max = logits.Max();
        var sum = logits.Sum(z => Math.Exp(z - max));
        return logits[token] - max - Math.Log(sum);
    }

    private static double[] Norm(double[] x, float[] weight, double eps)
    {
        var meanSquare = x.Sum(a => a * a) / x.Length;
        var scale = 1 / Math.Sqrt(meanSquare + eps);
        return x.Select((a, i) => a * scale * weight[i]).ToArray();
    }

    private static double[] Project(double[] x, float[] weight, float[]? bias)
    {
        var outputs = weight.Length / x.Length;
        var y = new double[outputs];
        for (var o = 0; o < outputs; o++)
        {
            double sum = bias?[o] ?? 0;
            for (var i = 0; i < x.Length; i++)
            {
                sum += weight[(o * x.Length) + i] * x[i];
            }

            y[o] = sum;
        }

        return y;
    }

    /// <summary>Rotates pairs (i, i + d/2) of one head by position · frequency[i] (HF's rotate_half convention).</summary>
    private static void Rotate(double[] vector, int start, int d, int position, double[] frequencies)
    {
        for (var i = 0; i < d / 2; i++)
        {
            var angle = position * frequencies[i];
            var a = vector[start + i];
            var b = vector[start + i + (d / 2)];
            vector[start + i] = (a * Math.Cos(angle)) - (b * Math.Sin(angle));
            vector[start + i + (d / 2)] = (b * Math.Cos(angle)) + (a * Math.Sin(angle));
        }
    }

    private static double[] Frequencies(TinyDecoderSpec spec)
    {
        var d = spec.EffectiveHeadDim;
        var inv = Enumerable.Range(0, d / 2).Select(i => Math.Pow(spec.RopeTheta, -(2.0 * i) / d)).ToArray();
        if (spec.RopeScalingJson is null)
        {
            return inv;
        }

        using var document = JsonDocument.Parse(spec.RopeScalingJson);
        var root = document.RootElement;
        var factor = root.GetProperty("factor").GetDouble();
        if (root.GetProperty("rope_type").GetString() == "linear")
        {
            return inv.Select(f => f / factor).ToArray();
        }

        // transformers' _compute_llama3_parameters, in its own mask-and-select form.
        var low = root.GetProperty("low_freq_factor").GetDouble();
        var high = root.GetProperty("high_freq_factor").GetDouble();
        var original = root.GetProperty("original_max_position_embeddings").GetDouble();
        var lowWavelength = original / low;
        var highWavelength = original / high;
        var result = new double[inv.Length];
        for (var i = 0; i < inv.Length; i++)
        {
            var wavelength = 2 * Math.PI / inv[i];
            var scaled = wavelength > lowWavelength ? inv[i] / factor : inv[i];
            var smooth = ((original / wavelength) - low) / (high - low);
            var smoothed = ((1 - smooth) * scaled / factor) + (smooth * scaled);
            var medium = !(wavelength < highWavelength) && !(wavelength > lowWavelength);
            result[i] = medium ? smoothed : scaled;
        }

        return result;
    }
}

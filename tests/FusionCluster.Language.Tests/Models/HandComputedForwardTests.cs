using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;
using static TorchSharp.torch;

namespace FusionCluster.Language.Tests.Models;

/// <summary>
/// One layer, two query heads sharing one key/value head, head_dim 4, three tokens, hidden 4, with weights
/// picked so that every step can be written out by hand: the expected logits follow the formulas below,
/// not any general forward implementation.
/// </summary>
public sealed class HandComputedForwardTests
{
    private const double Eps = 1e-6;

    [Fact]
    public void Logits_match_the_hand_derivation()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Hidden = 4, Ffn = 2, Layers = 1, Heads = 2, KvHeads = 1, HeadDim = 4, Vocab = 3, Eps = Eps };
        var w = new Dictionary<string, float[]>
        {
            ["model.embed_tokens.weight"] = [1, 1, 1, 1, /**/ 1, -1, 1, -1, /**/ -1, -1, 1, 1],
            ["model.layers.0.input_layernorm.weight"] = [1, 1, 1, 1],
            // Head 0's query is (n0, 0, 0, 0); head 1's is (0, n1, 0, 0).
            ["model.layers.0.self_attn.q_proj.weight"] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            // The shared key is (n0, n1, 0, 0), the shared value is n itself.
            ["model.layers.0.self_attn.k_proj.weight"] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ["model.layers.0.self_attn.v_proj.weight"] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
            // Output: half of head 0's plus half of head 1's attended value.
            ["model.layers.0.self_attn.o_proj.weight"] = [0.5f, 0, 0, 0, 0.5f, 0, 0, 0, /**/ 0, 0.5f, 0, 0, 0, 0.5f, 0, 0, /**/ 0, 0, 0.5f, 0, 0, 0, 0.5f, 0, /**/ 0, 0, 0, 0.5f, 0, 0, 0, 0.5f],
            ["model.layers.0.post_attention_layernorm.weight"] = [1, 1, 1, 1],
            ["model.layers.0.mlp.gate_proj.weight"] = [1, 0, 0, 0, 0, 1, 0, 0],
            ["model.layers.0.mlp.up_proj.weight"] = [0, 0, 1, 0, 0, 0, 0, 1],
            ["model.layers.0.mlp.down_proj.weight"] = [1, 0, 0, 1, 0, 0, 0, 0],
            ["model.norm.weight"] = [1, 2, 1, 1],
            ["lm_head.weight"] = [1, 0, 0, 0, /**/ 0, 1, 1, 0, /**/ 0, 0, 0, -1],
        };
        TinyCheckpointWriter.Write(directory.Path, spec, w, bfloat16: false);
        int[] ids = [2, 0, 1];

        using var model = LanguageModelCheckpoint.Load(directory.Path);
        using var input = tensor(ids.Select(i => (long)i).ToArray(), [1, 3]);
        using var logits = model.Forward(input);
        var actual = logits.data<float>().ToArray();

        double[][] e = [[1, 1, 1, 1], [1, -1, 1, -1], [-1, -1, 1, 1]];
        var c = 1 / Math.Sqrt(1 + Eps); // every embedding row has mean square 1
        var n = ids.Select(id => e[id].Select(v => v * c).ToArray()).ToArray();

        // Rotary (HF halves): head 0 rotates pair (0, 2) by t·1 rad, head 1 pair (1, 3) by t·0.01 rad, so
        // q_t·k_s = q k cos(angle(t - s)); scores are divided by sqrt(head_dim) = 2.
        double Score(int head, int t, int s) => head == 0
            ? n[t][0] * n[s][0] * Math.Cos(t - s) / 2
            : n[t][1] * n[s][1] * Math.Cos(0.01 * (t - s)) / 2;

        for (var t = 0; t < 3; t++)
        {
            var attention = new double[4];
            for (var head = 0; head < 2; head++)
            {
                var weights = Enumerable.Range(0, t + 1).Select(s => Math.Exp(Score(head, t, s))).ToArray();
                var total = weights.Sum();
                for (var s = 0; s <= t; s++)
                {
                    for (var j = 0; j < 4; j++)
                    {
                        attention[j] += 0.5 * weights[s] / total * n[s][j];
                    }
                }
            }

            var h = e[ids[t]].Select((v, j) => v + attention[j]).ToArray();
            var m = Normalize(h);
            double Silu(double z) => z / (1 + Math.Exp(-z));
            var x = new[] { h[0] + (Silu(m[0]) * m[2]), h[1] + (Silu(m[1]) * m[3]), h[2], h[3] };
            var z = Normalize(x);
            double[] expected = [z[0], (2 * z[1]) + z[2], -z[3]];
            for (var v = 0; v < 3; v++)
            {
                Assert.Equal(expected[v], actual[(t * 3) + v], 5);
            }
        }
    }

    private static double[] Normalize(double[] x)
    {
        var scale = 1 / Math.Sqrt((x.Sum(a => a * a) / x.Length) + Eps);
        return x.Select(a => a * scale).ToArray();
    }
}

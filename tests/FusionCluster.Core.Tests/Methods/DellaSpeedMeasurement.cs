using System.Diagnostics;
using FusionCluster.TestSupport;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>
/// The CPU seconds of della, della_linear, dare_ties and dare_linear against ties on the tensors of one layer of the 256 MB
/// synthetic Llama (hidden 1024, intermediate 2816; bf16 base and two bf16 fine-tunes, as `fusion synth` writes
/// them, and fine-tunes a few bf16 steps from the base, as real ones are, whose task vectors hold a handful of
/// magnitudes, each tied across hundreds of columns), merged in-process so neither I/O nor process start blurs the kernels' cost. Methods run interleaved
/// round-robin and the medians are compared, which keeps the ratios steady on a loaded machine:
/// <c>dotnet test tests/FusionCluster.Core.Tests -c Release --filter "FullyQualifiedName~DellaSpeedMeasurement" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Measurement")]
public sealed class DellaSpeedMeasurement
{
    private const int Hidden = 1024;
    private const int Intermediate = 2816;
    private const int Rounds = 7;

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.005)]
    public void Random_methods_cost_about_as_much_cpu_as_ties(double deltaScale)
    {
        long[][] shapes = [[Hidden, Hidden], [Hidden, Hidden], [Hidden, Hidden], [Hidden, Hidden], [Intermediate, Hidden], [Intermediate, Hidden], [Hidden, Intermediate]];
        var tensors = shapes.Select((shape, t) => Layer(shape, t, deltaScale)).ToList();
        string[] methods = ["ties", "della", "della_linear", "dare_ties", "dare_linear"];
        var seconds = methods.ToDictionary(m => m, _ => new List<double>());
        for (var round = -2; round < Rounds; round++)
        {
            foreach (var method in methods)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                foreach (var (shape, values) in tensors.Select((v, t) => (shapes[t], v)))
                {
                    var global = method == "ties" ? new Dictionary<string, double> { ["normalize"] = 1, ["int8_mask"] = 1 } : null;
                    var models = values[1..].Select(x => new TestModel(x, new() { ["weight"] = 1, ["density"] = 0.5 })).ToArray();
                    Run(method, values[0], models, global, shape);
                }

                // Rounds -2 and -1 warm the JIT up (tiered compilation recompiles the hot loops after the first calls).
                if (round >= 0)
                {
                    seconds[method].Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                }
            }
        }

        var ties = Median(seconds["ties"]);
        foreach (var method in methods)
        {
            var median = Median(seconds[method]);
            var line = $"deltas {deltaScale:0.###} of the weights: {method,-13} CPU s {string.Join(", ", seconds[method].Select(s => s.ToString("F2")))}  median {median:F2}  x ties {median / ties:F2}";
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            Console.WriteLine(line);
        }
    }

    /// <summary>Base and two fine-tunes: bf16 weights of scale 0.02 and fine-tunes deltaScale of that away, rounded to bf16 as checkpoints are.</summary>
    private static float[][] Layer(long[] shape, int tensor, double deltaScale)
    {
        var n = (int)(shape[0] * shape[1]);
        var rng = new Random(tensor);
        var values = new float[3][];
        values[0] = new float[n];
        for (var k = 0; k < n; k++)
        {
            values[0][k] = Bf16(Symmetric(rng) * 0.02f);
        }

        for (var model = 1; model < 3; model++)
        {
            values[model] = new float[n];
            for (var k = 0; k < n; k++)
            {
                values[model][k] = Bf16(values[0][k] + (Symmetric(rng) * 0.02f * (float)deltaScale));
            }
        }

        return values;
    }

    private static float Symmetric(Random rng) => (float)(rng.NextDouble() + rng.NextDouble() - 1);

    private static float Bf16(float x) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(x) & 0xFFFF0000u);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

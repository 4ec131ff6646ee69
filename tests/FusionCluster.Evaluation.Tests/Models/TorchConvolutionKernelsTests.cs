using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.Models;

/// <summary>
/// With oneDNN's kernel (libtorch 2.10's default) the input gradient below came back NaN or different in well over half
/// of the calls: its backward reads allocator memory it never wrote, and the poisoning leaves NaN there.
/// </summary>
public sealed class TorchConvolutionKernelsTests
{
    [Fact]
    public void A_convolution_backward_over_memory_full_of_nan_gives_the_same_finite_gradients_every_time()
    {
        TorchConvolutionKernels.Apply();
        Assert.False(TorchConvolutionKernels.OneDnnEnabled);

        using var generator = new Generator(3);
        using var input = rand([64, 1, 28, 28], generator: generator);
        using var weight = randn([4, 1, 3, 3], generator: generator);
        using var bias = randn([4], generator: generator);
        float[]? first = null;
        for (var call = 0; call < 60; call++)
        {
            // Freed tensors full of NaN: memory a kernel that reads before writing would pick up.
            for (var k = 0; k < 4; k++)
            {
                using var poison = full([64, 4, 28, 28], float.NaN);
            }

            using var scope = NewDisposeScope();
            var x = input.clone().requires_grad_(true);
            var w = weight.clone().requires_grad_(true);
            var b = bias.clone().requires_grad_(true);
            var y = nn.functional.conv2d(x, w, b, padding: [1]);
            (y * y).sum().backward();
            var gradients = cat([x.grad!.flatten(), w.grad!.flatten(), b.grad!.flatten()], 0).data<float>().ToArray();
            Assert.All(gradients, g => Assert.True(float.IsFinite(g), $"call {call}: a non-finite gradient"));
            first ??= gradients;
            Assert.True(first.AsSpan().SequenceEqual(gradients), $"call {call}: gradients differ from the first call's");
        }
    }
}

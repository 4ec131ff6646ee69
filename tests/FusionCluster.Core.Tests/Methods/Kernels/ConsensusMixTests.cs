using System.Numerics;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Tests.Methods.Kernels;

public sealed class ConsensusMixTests
{
    /// <summary>
    /// Three models' weighted deltas at element 0 (in the vector loop) and again at the last element (in the scalar tail
    /// after it): both places must give the same output, NaN and zeros included.
    /// </summary>
    [Theory]
    [InlineData(0.5f, -0.25f, 0.125f)]
    [InlineData(-0.5f, 0.25f, -0.125f)]
    [InlineData(0f, 0f, 0f)]
    [InlineData(0f, -1f, 1f)]
    [InlineData(float.NaN, 1f, 2f)]
    [InlineData(-1f, float.NaN, 2f)]
    [InlineData(float.NaN, float.NaN, float.NaN)]
    public void The_scalar_tail_elects_and_keeps_as_the_vector_loop_does(float first, float second, float third)
    {
        var length = Vector<float>.Count + 1;
        var weighted = new float[3 * length];
        float[] values = [first, second, third];
        for (var i = 0; i < 3; i++)
        {
            weighted[i * length] = values[i];
            weighted[(i * length) + length - 1] = values[i];
        }

        foreach (var normalize in new[] { false, true })
        {
            var output = Enumerable.Repeat(1f, length).ToArray();
            ConsensusMix.AddTo(weighted, length, [0.5, 0.3, 0.2], normalize, 1f, output);

            Assert.Equal(output[0], output[^1]);
        }
    }

    [Fact]
    public void The_elected_sign_keeps_only_the_agreeing_deltas()
    {
        // Deltas 0.5, -0.25, 0.125 sum to +0.375: + is elected, 0.5 and 0.125 are kept (weights 0.5 and 0.2).
        var length = 1;
        var output = new[] { 1f };
        ConsensusMix.AddTo(new[] { 0.5f, -0.25f, 0.125f }, length, [0.5, 0.3, 0.2], normalize: true, 1f, output);
        Assert.Equal(1f + ((0.5f + 0.125f) / 0.7f), output[0], 1e-6f);
    }
}

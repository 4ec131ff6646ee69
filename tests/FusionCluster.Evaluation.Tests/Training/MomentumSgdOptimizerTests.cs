using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.Training;

public sealed class MomentumSgdOptimizerTests
{
    [Fact]
    public void Heavy_ball_steps_match_the_hand_computed_sequence()
    {
        // Loss p², gradient 2p, lr 0.1, momentum 0.9, from p = 1:
        // step 1: b = 2,                 p = 1 - 0.2 = 0.8
        // step 2: g = 1.6, b = 1.8 + 1.6 = 3.4,   p = 0.8 - 0.34 = 0.46
        // step 3: g = 0.92, b = 3.06 + 0.92 = 3.98, p = 0.46 - 0.398 = 0.062
        using var parameter = tensor(new[] { 1.0 }, dtype: float64).requires_grad_(true);
        using var optimizer = new MomentumSgdOptimizer([parameter], 0.1, momentum: 0.9);
        var seen = new List<double>();
        for (var step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            using (var loss = (parameter * parameter).sum())
            {
                loss.backward();
            }

            optimizer.Step();
            seen.Add(parameter.item<double>());
        }

        Assert.Equal([0.8, 0.46, 0.062], seen, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Without_momentum_it_is_plain_gradient_descent()
    {
        using var parameter = tensor(new[] { 2.0, -1.0 }, dtype: float64).requires_grad_(true);
        using var optimizer = new MomentumSgdOptimizer([parameter], 0.25);
        for (var step = 0; step < 2; step++)
        {
            optimizer.ZeroGrad();
            using (var loss = (parameter * parameter).sum())
            {
                loss.backward();
            }

            optimizer.Step();
        }

        // Each step multiplies p by 1 - 2·0.25 = 0.5.
        Assert.Equal([0.5, -0.25], parameter.data<double>().ToArray());
    }

    [Fact]
    public void Momentum_of_one_or_more_is_refused()
    {
        using var parameter = zeros(1).requires_grad_(true);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MomentumSgdOptimizer([parameter], 0.1, momentum: 1));
        Assert.Equal("momentum", error.ParamName);
    }
}

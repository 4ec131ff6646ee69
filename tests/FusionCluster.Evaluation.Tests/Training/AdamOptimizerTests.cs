using FusionCluster.Evaluation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.Training;

public sealed class AdamOptimizerTests
{
    [Fact]
    public void Steps_follow_the_adam_update_computed_by_hand_in_doubles()
    {
        // Loss Σ c·p² so the gradient is 2c·p; the same three steps are taken below in plain doubles.
        double[] start = [1.5, -0.25, 3.0];
        double[] curvature = [1.0, 4.0, 0.01];
        const double learningRate = 0.1;
        using var parameter = tensor(start, dtype: float64).requires_grad_(true);
        using var weights = tensor(curvature, dtype: float64);
        using var optimizer = new AdamOptimizer([parameter], learningRate);

        var expected = (double[])start.Clone();
        var average = new double[3];
        var squared = new double[3];
        for (var step = 1; step <= 3; step++)
        {
            optimizer.ZeroGrad();
            using (var loss = (weights * parameter * parameter).sum())
            {
                loss.backward();
            }

            optimizer.Step();
            for (var i = 0; i < 3; i++)
            {
                var gradient = 2 * curvature[i] * expected[i];
                average[i] = (0.9 * average[i]) + (0.1 * gradient);
                squared[i] = (0.999 * squared[i]) + (0.001 * gradient * gradient);
                var corrected = Math.Sqrt(squared[i]) / Math.Sqrt(1 - Math.Pow(0.999, step));
                expected[i] -= learningRate / (1 - Math.Pow(0.9, step)) * average[i] / (corrected + 1e-8);
            }
        }

        // Adam's first step moves every coordinate by about lr against its gradient's sign, whatever the curvature.
        Assert.Equal(expected, parameter.data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.InRange(start[2] - expected[2], 0.29, 0.31);
    }

    [Fact]
    public void It_agrees_with_torchsharps_own_adam_over_many_steps()
    {
        using var ours = tensor(new[] { 0.5f, -2f, 1f, 0f }).requires_grad_(true);
        using var theirs = new TorchSharp.Modules.Parameter(tensor(new[] { 0.5f, -2f, 1f, 0f }));
        using var target = tensor(new[] { 1f, 1f, -1f, 0.5f });
        using var ourOptimizer = new AdamOptimizer([ours], 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-6);
        using var theirOptimizer = optim.Adam([theirs], 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6);
        for (var step = 0; step < 50; step++)
        {
            foreach (var (parameter, zero, take) in new (Tensor, Action, Action)[] { (ours, ourOptimizer.ZeroGrad, ourOptimizer.Step), (theirs, theirOptimizer.zero_grad, () => theirOptimizer.step()) })
            {
                zero();
                using var difference = parameter - target;
                using var squared = difference * difference;
                using var loss = (squared * squared).sum();
                loss.backward();
                take();
            }
        }

        Assert.Equal(theirs.data<float>().ToArray(), ours.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_alone()
    {
        using var used = tensor(new[] { 1f }).requires_grad_(true);
        using var unused = tensor(new[] { 7f }).requires_grad_(true);
        using var optimizer = new AdamOptimizer([used, unused], 0.1);

        optimizer.ZeroGrad();
        using (var loss = (used * used).sum())
        {
            loss.backward();
        }

        optimizer.Step();

        Assert.Equal(7f, unused.item<float>());
        Assert.Equal(0.9f, used.item<float>(), 1e-5f);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void A_learning_rate_that_is_not_a_positive_number_is_refused(double learningRate)
    {
        using var parameter = zeros(1).requires_grad_(true);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer([parameter], learningRate));
    }
}

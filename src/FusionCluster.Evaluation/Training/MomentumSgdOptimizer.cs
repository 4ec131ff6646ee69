using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Stochastic gradient descent with heavy-ball momentum, torch's semantics for <c>torch.optim.SGD(params, lr,
/// momentum)</c> without dampening, Nesterov or weight decay: b ← g on the first step, b ← μb + g after; p ← p − lr·b.
/// Momentum 0 is plain SGD.
/// </summary>
public sealed class MomentumSgdOptimizer : IParameterOptimizer
{
    private readonly Tensor[] parameters;
    private readonly Tensor?[] buffers;
    private readonly Scalar negativeLearningRate;
    private readonly Scalar? momentum;

    public MomentumSgdOptimizer(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a positive number");
        }

        if (!(momentum is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must lie in [0, 1)");
        }

        this.parameters = parameters.ToArray();
        buffers = new Tensor?[this.parameters.Length];
        negativeLearningRate = (-learningRate).ToScalar();
        this.momentum = momentum == 0 ? null : momentum.ToScalar();
    }

    public void ZeroGrad() => ParameterGradients.Zero(parameters);

    public void Step()
    {
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Length; i++)
        {
            using var gradient = parameters[i].grad;
            if (gradient is null)
            {
                continue;
            }

            var direction = gradient;
            if (momentum is not null)
            {
                if (buffers[i] is { } buffer)
                {
                    buffer.mul_(momentum).add_(gradient, HeldScalars.One);
                }
                else
                {
                    buffers[i] = gradient.clone().detach().DetachFromDisposeScope();
                }

                direction = buffers[i]!;
            }

            parameters[i].add_(direction, negativeLearningRate);
        }
    }

    public void Dispose()
    {
        foreach (var buffer in buffers)
        {
            buffer?.Dispose();
        }

        negativeLearningRate.Dispose();
        momentum?.Dispose();
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Adam (Kingma and Ba) with torch's semantics for <c>torch.optim.Adam(params, lr, betas, eps)</c> without weight
/// decay or AMSGrad: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
/// Every TorchSharp call gets an explicit, held Scalar: even <c>add_(scalar)</c> makes a temporary one for its alpha.
/// </summary>
public sealed class AdamOptimizer : IParameterOptimizer
{
    private readonly Tensor[] parameters;
    private readonly Tensor?[] averages;
    private readonly Tensor?[] squaredAverages;
    private readonly double learningRate;
    private readonly double beta1;
    private readonly double beta2;
    private readonly Scalar beta1Scalar;
    private readonly Scalar beta2Scalar;
    private readonly Scalar oneMinusBeta1;
    private readonly Scalar oneMinusBeta2;
    private readonly Scalar epsilon;
    private long steps;

    public AdamOptimizer(IEnumerable<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a positive number");
        }

        if (!(beta1 is >= 0 and < 1) || !(beta2 is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"betas must lie in [0, 1), got {beta1} and {beta2}");
        }

        this.parameters = parameters.ToArray();
        averages = new Tensor?[this.parameters.Length];
        squaredAverages = new Tensor?[this.parameters.Length];
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        beta1Scalar = beta1.ToScalar();
        beta2Scalar = beta2.ToScalar();
        oneMinusBeta1 = (1 - beta1).ToScalar();
        oneMinusBeta2 = (1 - beta2).ToScalar();
        this.epsilon = epsilon.ToScalar();
    }

    public void ZeroGrad() => ParameterGradients.Zero(parameters);

    public void Step()
    {
        using var noGrad = no_grad();
        steps++;
        using var negativeStepSize = (-learningRate / (1 - Math.Pow(beta1, steps))).ToScalar();
        using var biasCorrection2Root = Math.Sqrt(1 - Math.Pow(beta2, steps)).ToScalar();
        for (var i = 0; i < parameters.Length; i++)
        {
            using var gradient = parameters[i].grad;
            if (gradient is null)
            {
                continue;
            }

            var average = averages[i] ??= zeros_like(parameters[i]).DetachFromDisposeScope();
            var squaredAverage = squaredAverages[i] ??= zeros_like(parameters[i]).DetachFromDisposeScope();
            average.mul_(beta1Scalar).add_(gradient, oneMinusBeta1);
            squaredAverage.mul_(beta2Scalar).addcmul_(gradient, gradient, oneMinusBeta2);
            using var root = squaredAverage.sqrt();
            root.div_(biasCorrection2Root).add_(epsilon, HeldScalars.One);
            parameters[i].addcdiv_(average, root, negativeStepSize);
        }
    }

    public void Dispose()
    {
        foreach (var state in averages.Concat(squaredAverages))
        {
            state?.Dispose();
        }

        beta1Scalar.Dispose();
        beta2Scalar.Dispose();
        oneMinusBeta1.Dispose();
        oneMinusBeta2.Dispose();
        epsilon.Dispose();
    }
}

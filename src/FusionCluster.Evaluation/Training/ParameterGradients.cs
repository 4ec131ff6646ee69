using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Training;

/// <summary>What every <see cref="IParameterOptimizer"/> does to gradients before a backward pass.</summary>
internal static class ParameterGradients
{
    public static void Zero(IEnumerable<Tensor> parameters)
    {
        foreach (var parameter in parameters)
        {
            using var gradient = parameter.grad;
            gradient?.zero_();
        }
    }
}

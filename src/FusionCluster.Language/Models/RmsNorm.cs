using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>Llama's RMSNorm: x / sqrt(mean(x²) + eps) * weight, computed in float32.</summary>
internal sealed class RmsNorm : nn.Module
{
    private readonly Parameter weight;
    private readonly double epsilon;

    public RmsNorm(string name, long size, double epsilon, Device device)
        : base(name)
    {
        this.epsilon = epsilon;
        weight = new Parameter(ones([size], ScalarType.Float32, device));
        register_parameter("weight", weight);
    }

    public Tensor Forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var variance = input.pow(2).mean([-1], keepdim: true);
        return (input * (variance + epsilon).rsqrt() * weight).MoveToOuterDisposeScope();
    }
}

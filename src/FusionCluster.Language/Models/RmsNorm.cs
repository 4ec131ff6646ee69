using FusionCluster.Evaluation.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>Llama's RMSNorm: x / sqrt(mean(x²) + eps) * weight, computed in float32.</summary>
internal sealed class RmsNorm : nn.Module
{
    // Implicit Scalars (x + eps, x.pow(2)) are fresh objects nothing references during the native call, so the finalizer
    // thread could free them mid-call (libtorch's add_Scalar crashed in a job's unit): these and HeldScalars.One stay alive.
    private static readonly Scalar Two = 2;

    private readonly Parameter weight;
    private readonly Scalar epsilon;

    public RmsNorm(string name, long size, double epsilon, Device device)
        : base(name)
    {
        this.epsilon = epsilon.ToScalar();
        weight = new Parameter(ones([size], ScalarType.Float32, device));
        register_parameter("weight", weight);
    }

    public Tensor Forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var variance = input.pow(Two).mean([-1], keepdim: true);
        return (input * variance.add(epsilon, HeldScalars.One).rsqrt() * weight).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            epsilon.Dispose();
        }

        base.Dispose(disposing);
    }
}

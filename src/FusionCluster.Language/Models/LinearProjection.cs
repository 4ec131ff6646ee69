using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// y = x Wᵀ + b with W [out, in] as Hugging Face stores it. Parameters start uninitialised (torch.empty):
/// they are filled from a checkpoint or by the trainer's initialiser, so building a large model costs no
/// random draws and no second copy.
/// </summary>
internal sealed class LinearProjection : nn.Module
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public LinearProjection(string fullName, long inFeatures, long outFeatures, bool hasBias, Device device)
        : base(fullName)
    {
        FullName = fullName;
        weight = new Parameter(empty([outFeatures, inFeatures], ScalarType.Float32, device));
        register_parameter("weight", weight);
        if (hasBias)
        {
            bias = new Parameter(empty([outFeatures], ScalarType.Float32, device));
            register_parameter("bias", bias);
        }
    }

    /// <summary>The tensor-name prefix, e.g. model.layers.0.mlp.up_proj.</summary>
    public string FullName { get; }

    public Tensor Forward(Tensor input, ActivationCapture? capture)
    {
        capture?.LinearInput?.Invoke(FullName, input);
        return nn.functional.linear(input, weight, bias);
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FusionCluster.Evaluation.Models;

/// <summary>
/// One branch of a partially zipped classifier: one model's layers after the shared ones. Its parameters are named
/// <c>layers.&lt;j&gt;.*</c> with j counting from the first unshared layer, so inside the network they read
/// <c>branches.&lt;b&gt;.layers.&lt;j&gt;.*</c> as <see cref="ClassifierConfig.LayerPrefix"/> names them.
/// </summary>
public sealed class ClassifierBranch : Module<Tensor, Tensor>
{
    // The field name is the tensor-name prefix; RegisterComponents picks it up by reflection.
    private readonly ModuleList<Module<Tensor, Tensor>> layers;

    public ClassifierBranch(IEnumerable<Module<Tensor, Tensor>> modules)
        : base("branch")
    {
        layers = ModuleList(modules.ToArray());
        RegisterComponents();
    }

    public ModuleList<Module<Tensor, Tensor>> Layers => layers;

    public override Tensor forward(Tensor input) => throw new NotSupportedException("a branch runs inside its ClassifierNetwork, which knows each layer's activation");
}

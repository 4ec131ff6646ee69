using FusionCluster.Alignment.Jobs;
using FusionCluster.Alignment.Tests.Support;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Tests.Jobs;

public sealed class ZipitCheckTests
{
    [Fact]
    public void A_zipit_job_over_llamas_is_refused_on_the_headers_naming_the_model_and_its_type()
    {
        var llama = new SyntheticLlama(Hidden: 8, Ffn: 16, Heads: 2, KvHeads: 1, HeadDim: 4, Blocks: 1, Vocab: 12);
        ModelInfo Info(string name) => new(name, "/models/" + name, llama.Config(),
            llama.RandomWeights(1).ToDictionary(t => t.Key, t => new TensorHeader(DType.F32, t.Value.Shape), StringComparer.Ordinal));
        var plan = new AlignPlan("zipit", "a", ["b"], 100, 0, null) { DatasetFile = "/data/text.txt" };

        var error = Assert.Throws<AlignmentException>(() => JobInputAlignment.Check(plan, new Dictionary<string, ModelInfo> { ["a"] = Info("a"), ["b"] = Info("b") }));

        Assert.StartsWith("model 'a': zipit in merge jobs runs the classifiers fusion train makes (model_type fusion-mnist-mlp or fusion-mnist-cnn), not model_type 'llama'", error.Message, StringComparison.Ordinal);
    }
}

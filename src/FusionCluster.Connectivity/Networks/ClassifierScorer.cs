using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Networks;

/// <summary>Accuracy and mean cross-entropy (natural log) of a classifier on labelled samples, in batches, without gradients.</summary>
public static class ClassifierScorer
{
    private const long BatchSize = 1024;

    public static (double Accuracy, double Loss) Score(Func<Tensor, Tensor> logits, LabelledSamples samples)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(samples);
        using var noGrad = no_grad();
        long correct = 0;
        double lossSum = 0;
        for (long start = 0; start < samples.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(BatchSize, samples.Count - start);
            var output = logits(samples.Inputs.narrow(0, start, length));
            var labels = samples.Labels.narrow(0, start, length);
            lossSum += nn.functional.cross_entropy(output, labels, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64).item<double>();
            correct += output.argmax(1).eq(labels).sum().item<long>();
        }

        return ((double)correct / samples.Count, lossSum / samples.Count);
    }

    public static (double Accuracy, double Loss) Score(ClassifierWeights weights, LabelledSamples samples) =>
        Score(inputs => ClassifierForward.Logits(weights, inputs), samples);
}

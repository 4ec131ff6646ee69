using FusionCluster.Connectivity.Networks;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Paths;

/// <summary>
/// Trains the bend point θ of a quadratic Bézier curve between two fixed models (Garipov et al. 2018): θ starts at
/// the midpoint (a + b) / 2; each step draws t ~ U(0, 1), forms φ(t) = (1 − t)²·a + 2t(1 − t)·θ + t²·b, and takes an
/// SGD step on θ against the cross-entropy of φ(t) on a batch, so that the whole curve, not one point, has low loss.
/// </summary>
public static class BezierCurveTrainer
{
    public static BezierPath Train(ClassifierWeights start, ClassifierWeights end, LabelledSamples train, BezierTrainingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = start.Config;
        var names = config.TensorShapes().Select(s => s.Name).ToArray();
        var bend = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        using (no_grad())
        {
            using Scalar half = 0.5;
            foreach (var name in names)
            {
                using var sum = start[name].add(end[name], HeldScalars.One);
                bend[name] = new Parameter(sum.mul_(half));
            }
        }

        try
        {
            var random = new DeterministicRandom(options.Seed);
            var order = Enumerable.Range(0, (int)train.Count).Select(i => (long)i).ToArray();
            using (var optimizer = new MomentumSgdOptimizer(bend.Values, options.LearningRate, options.Momentum))
            {
                for (var epoch = 0; epoch < options.Epochs; epoch++)
                {
                    random.Shuffle(order);
                    for (var first = 0; first < order.Length; first += options.BatchSize)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        using var scope = NewDisposeScope();
                        var batch = tensor(order.AsSpan(first, Math.Min(options.BatchSize, order.Length - first)).ToArray());
                        var coefficients = BezierPath.Coefficients(random.NextDouble());

                        // Held Scalars: TorchSharp's temporary ones can be freed mid-call (see HeldScalars).
                        using Scalar startWeight = coefficients[0], bendWeight = coefficients[1], endWeight = coefficients[2];
                        var point = names.ToDictionary(
                            n => n,
                            n => start[n].mul(startWeight).add(bend[n].mul(bendWeight), HeldScalars.One).add(end[n].mul(endWeight), HeldScalars.One),
                            StringComparer.Ordinal);
                        optimizer.ZeroGrad();
                        var logits = ClassifierForward.Logits(config, n => point[n], train.Inputs.index_select(0, batch));
                        var loss = nn.functional.cross_entropy(logits, train.Labels.index_select(0, batch));
                        var value = loss.item<float>();
                        if (!float.IsFinite(value))
                        {
                            throw Diverged($"in epoch {epoch + 1}, step {(first / options.BatchSize) + 1}: the loss is {value}", options);
                        }

                        loss.backward();
                        optimizer.Step();
                    }
                }

                if (FiniteWeights.FirstNotFinite(bend.Select(p => (p.Key, (Tensor)p.Value))) is { } found)
                {
                    throw Diverged($"in its last step: {found.Tensor} is no longer finite", options);
                }
            }

            var theta = new ClassifierWeights(config, bend.ToDictionary(p => p.Key, p => p.Value.detach().clone(), StringComparer.Ordinal));
            return new BezierPath(start, theta, end);
        }
        finally
        {
            foreach (var parameter in bend.Values)
            {
                parameter.Dispose();
            }
        }
    }

    /// <summary>
    /// A fit whose loss left the finite numbers has no curve to evaluate, and its path's losses could not be written as
    /// JSON: the user learns where it went and what to change instead of a serializer's complaint at publishing.
    /// </summary>
    private static TrainingDivergedException Diverged(string where, BezierTrainingOptions options) =>
        new($"training the Bézier curve's bend point diverged {where}; try a learning rate below {options.LearningRate}");
}

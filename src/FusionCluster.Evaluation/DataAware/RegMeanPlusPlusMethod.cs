using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.MultiTask;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// RegMean++ (Nguyen et al., 2025) in-process: layer by layer, each model's Gram matrix of layer l is taken over
/// the inputs layer l receives when the model's first <see cref="MergeStatistics.Samples"/> training samples go
/// through the already merged layers 0 .. l-1; the layer is then solved as RegMean solves it
/// (<see cref="RegMeanMethod.MergeLinear"/>, biases averaged) and the samples move on through it. A merge job
/// (<see cref="RegMeanPlusPlusMergeMethod"/>) computes the same steps in its per-layer statistics phases with
/// these functions, so both agree bit for bit. Nothing is cached: every layer's statistics depend on all models.
/// </summary>
public sealed class RegMeanPlusPlusMethod(double alpha = RegMeanMergeMethod.DefaultRatio) : IDataAwareMergeMethod
{
    public string Name => "regmean_plus_plus";

    public double Alpha { get; } = alpha is >= 0 and <= 1 ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "RegMean's α is in [0, 1]");

    public NamedTensors Merge(DataAwareMergeInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var layers = MultiTaskNetwork.LayerCount(inputs.Pretrained);
        // One thread, as the job's statistics units run: the forward passes' sums then match theirs.
        return MergeStatistics.SingleThreaded(() =>
        {
            var features = new List<Tensor>();
            var merged = new NamedTensors();
            try
            {
                foreach (var model in inputs.Models)
                {
                    var (x, y) = MergeStatistics.Inputs(model.Data, inputs.Statistics.Samples);
                    y.Dispose();
                    features.Add(x);
                }

                for (var l = 0; l < layers; l++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var grams = features.Select(MergeStatistics.Gram).ToList();
                    try
                    {
                        merged.Add(MultiTaskNetwork.Weight(l), RegMeanMethod.MergeLinear(inputs.Models.Select(m => m.Backbone[MultiTaskNetwork.Weight(l)]).ToList(), grams, Alpha));
                        merged.Add(MultiTaskNetwork.Bias(l), RegMeanMethod.Average(inputs.Models.Select(m => m.Backbone[MultiTaskNetwork.Bias(l)]).ToList()));
                    }
                    finally
                    {
                        grams.ForEach(g => g.Dispose());
                    }

                    if (l < layers - 1)
                    {
                        for (var i = 0; i < features.Count; i++)
                        {
                            var next = MergeStatistics.NextLayerInputs(features[i], merged[MultiTaskNetwork.Weight(l)], merged[MultiTaskNetwork.Bias(l)]);
                            features[i].Dispose();
                            features[i] = next;
                        }
                    }
                }

                return merged;
            }
            catch
            {
                merged.Dispose();
                throw;
            }
            finally
            {
                features.ForEach(f => f.Dispose());
            }
        });
    }
}

using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>
/// Trains the benchmark's models with Adam on one torch thread, data order and initial weights from
/// <see cref="DeterministicRandom"/>, so a seed gives the same bits on every run. As in FusionBench's CLIP
/// setting, heads are fixed while the backbone is fine-tuned: each task's head is a linear probe on the
/// pre-trained backbone, and fine-tunes (and the joint model) train the backbone through their frozen heads.
/// </summary>
public static class MultiTaskTrainer
{
    /// <summary>The "pre-trained" backbone: random init, trained with a throw-away 20-class head on the mixture.</summary>
    public static NamedTensors Pretrain(ImageDataset mixture, MultiTaskOptions options, CancellationToken cancellationToken = default)
    {
        var random = new DeterministicRandom(options.Seed);
        using var initial = MultiTaskNetwork.InitialBackbone(mixture.SampleSize, options.HiddenSizes, random);
        using var head = MultiTaskNetwork.InitialHead(options.HiddenSizes[^1], mixture.ClassCount, random);
        var backbone = Trainable(initial);
        var trainableHead = Trainable(head);
        var layers = options.HiddenSizes.Count;
        Fit(
            [mixture],
            backbone.Concat(trainableHead).Select(p => p.Value).ToList(),
            (_, x, y) => nn.functional.cross_entropy(MultiTaskNetwork.Logits(n => backbone[n], layers, trainableHead[MultiTaskNetwork.HeadWeight], trainableHead[MultiTaskNetwork.HeadBias], x), y),
            options.PretrainEpochs,
            options.PretrainLearningRate,
            options.BatchSize,
            random,
            cancellationToken);
        return Detached(backbone);
    }

    /// <summary>A task's head: logistic regression on the frozen backbone's features of the task's training split.</summary>
    public static NamedTensors ProbeHead(NamedTensors backbone, BenchmarkTask task, MultiTaskOptions options, ulong seed, CancellationToken cancellationToken = default)
    {
        var random = new DeterministicRandom(seed);
        using var initial = MultiTaskNetwork.InitialHead(options.HiddenSizes[^1], MultiTaskNetwork.Classes, random);
        var head = Trainable(initial);
        var layers = MultiTaskNetwork.LayerCount(backbone);
        Fit(
            [task.Data],
            head.Select(p => p.Value).ToList(),
            (_, x, y) =>
            {
                using var features = MultiTaskNetwork.Features(n => backbone[n], layers, x).detach();
                return nn.functional.cross_entropy(nn.functional.linear(features, head[MultiTaskNetwork.HeadWeight], head[MultiTaskNetwork.HeadBias]), y);
            },
            options.HeadEpochs,
            options.HeadLearningRate,
            options.BatchSize,
            random,
            cancellationToken);
        return Detached(head);
    }

    /// <summary>The backbone fine-tuned on one task through that task's frozen head.</summary>
    public static NamedTensors FineTune(NamedTensors pretrained, NamedTensors head, BenchmarkTask task, MultiTaskOptions options, ulong seed, CancellationToken cancellationToken = default) =>
        TrainJoint(pretrained, [head], [task], options, seed, cancellationToken);

    /// <summary>
    /// The backbone trained on every task at once, each through its own frozen head: every step sums one batch
    /// of each task's loss (the jointly trained multi-task reference).
    /// </summary>
    public static NamedTensors TrainJoint(NamedTensors pretrained, IReadOnlyList<NamedTensors> heads, IReadOnlyList<BenchmarkTask> tasks, MultiTaskOptions options, ulong seed, CancellationToken cancellationToken = default)
    {
        var random = new DeterministicRandom(seed);
        var backbone = Trainable(pretrained);
        var layers = MultiTaskNetwork.LayerCount(pretrained);
        Fit(
            tasks.Select(t => t.Data).ToList(),
            backbone.Select(p => p.Value).ToList(),
            (t, x, y) => nn.functional.cross_entropy(MultiTaskNetwork.Logits(n => backbone[n], layers, heads[t][MultiTaskNetwork.HeadWeight], heads[t][MultiTaskNetwork.HeadBias], x), y),
            options.FineTuneEpochs,
            options.FineTuneLearningRate,
            options.BatchSize,
            random,
            cancellationToken);
        return Detached(backbone);
    }

    /// <summary>
    /// Adam over <paramref name="parameters"/>. Each epoch shuffles every dataset's training split; step k takes
    /// batch k of every dataset and sums their losses.
    /// </summary>
    private static void Fit(IReadOnlyList<ImageDataset> datasets, IReadOnlyList<Tensor> parameters, Func<int, Tensor, Tensor, Tensor> loss, int epochs, double learningRate, int batchSize, DeterministicRandom random, CancellationToken cancellationToken)
    {
        using (TorchThreads.Use(1))
        {
            var inputs = datasets.Select(d => MultiTaskNetwork.Inputs(d, d.Indices(DatasetSplit.Train))).ToList();
            var labels = datasets.Select(d => MultiTaskNetwork.Labels(d, d.Indices(DatasetSplit.Train))).ToList();
            try
            {
                using var optimizer = new AdamOptimizer(parameters, learningRate);
                var orders = datasets.Select(d => Enumerable.Range(0, d.TrainCount).Select(i => (long)i).ToArray()).ToList();
                var steps = orders.Max(o => (o.Length + batchSize - 1) / batchSize);
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    foreach (var order in orders)
                    {
                        random.Shuffle(order);
                    }

                    for (var step = 0; step < steps; step++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        using var scope = NewDisposeScope();
                        optimizer.ZeroGrad();
                        Tensor? total = null;
                        for (var t = 0; t < datasets.Count; t++)
                        {
                            var start = step * batchSize % orders[t].Length;
                            var batch = tensor(orders[t].AsSpan(start, Math.Min(batchSize, orders[t].Length - start)).ToArray());
                            var term = loss(t, inputs[t].index_select(0, batch), labels[t].index_select(0, batch));
                            total = total is null ? term : total.add(term, HeldScalars.One);
                        }

                        total!.backward();
                        optimizer.Step();
                    }
                }
            }
            finally
            {
                inputs.ForEach(i => i.Dispose());
                labels.ForEach(l => l.Dispose());
            }
        }
    }

    private static Dictionary<string, Tensor> Trainable(NamedTensors source) =>
        source.Entries.ToDictionary(e => e.Name, e =>
        {
            using var detached = e.Value.detach();
            return (Tensor)new Parameter(detached.clone(), requires_grad: true);
        }, StringComparer.Ordinal);

    private static NamedTensors Detached(Dictionary<string, Tensor> parameters)
    {
        var result = new NamedTensors();
        foreach (var (name, value) in parameters)
        {
            using (var detached = value.detach())
            {
                result.Add(name, detached.clone());
            }

            value.Dispose();
        }

        return result;
    }
}

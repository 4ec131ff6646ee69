using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>
/// The eight tasks, all 10-class 28x28 images from real data: MNIST and Fashion-MNIST as they are, rotated 90°,
/// inverted, and pixel-permuted (one fixed permutation per task, drawn from the seed).
/// </summary>
public static class MultiTaskSuite
{
    public static IReadOnlyList<string> TaskNames { get; } =
        ["mnist", "fashion", "mnist-rot90", "fashion-rot90", "mnist-inverted", "fashion-inverted", "mnist-permuted", "fashion-permuted"];

    /// <summary>
    /// Builds the tasks. Each task draws its own samples (seeded by the task's position), so the derived
    /// tasks are not the same images as the plain ones.
    /// </summary>
    public static IReadOnlyList<BenchmarkTask> Build(ImageDataset mnist, ImageDataset fashion, MultiTaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(mnist);
        ArgumentNullException.ThrowIfNull(fashion);
        ArgumentNullException.ThrowIfNull(options);
        var tasks = new List<BenchmarkTask>();
        for (var t = 0; t < TaskNames.Count; t++)
        {
            var name = TaskNames[t];
            var isMnist = name.StartsWith("mnist", StringComparison.Ordinal);
            var sampled = TaskDerivation.Sample(isMnist ? mnist : fashion, options.TrainSamples, options.EvalSamples, Mix(options.Seed, (ulong)t + 1));
            var (data, description) = name[(name.IndexOf('-') is var dash and >= 0 ? dash + 1 : name.Length)..] switch
            {
                "" => (sampled, "as published"),
                "rot90" => (TaskDerivation.Rotate90(sampled), "rotated 90° clockwise"),
                "inverted" => (TaskDerivation.Invert(sampled), "pixels inverted (255 - p)"),
                "permuted" => (TaskDerivation.Permute(sampled, Mix(options.Seed, 1000 + (ulong)t)), "pixel positions permuted (fixed seeded permutation)"),
                var other => throw new InvalidOperationException($"unknown derivation '{other}'"),
            };
            tasks.Add(new BenchmarkTask(name, $"{(isMnist ? "MNIST" : "Fashion-MNIST")}, {description}", data));
        }

        return tasks;
    }

    /// <summary>The pre-training mixture: plain MNIST (labels 0-9) and Fashion-MNIST (labels 10-19), seeded samples of each.</summary>
    public static ImageDataset PretrainingMixture(ImageDataset mnist, ImageDataset fashion, MultiTaskOptions options)
    {
        var a = TaskDerivation.Sample(mnist, options.PretrainSamples, 0, Mix(options.Seed, 500));
        var b = TaskDerivation.Sample(fashion, options.PretrainSamples, 0, Mix(options.Seed, 501));
        var pixels = a.Pixels.ToArray().Concat(b.Pixels.ToArray()).ToArray();
        var labels = a.Labels.ToArray().Concat(b.Labels.ToArray().Select(l => (byte)(l + 10))).ToArray();
        return new ImageDataset(a.Count + b.Count, 0, a.Channels, a.Height, a.Width, 20, pixels, labels);
    }

    private static ulong Mix(ulong seed, ulong salt) => Core.Methods.Kernels.CounterRng.Mix((seed * 0x9E3779B97F4A7C15UL) ^ salt);
}

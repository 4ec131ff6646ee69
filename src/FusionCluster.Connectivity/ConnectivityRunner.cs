using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Zipping;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Repair;
using FusionCluster.Connectivity.Reporting;
using FusionCluster.Connectivity.Zipping;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Training;

namespace FusionCluster.Connectivity;

/// <summary>
/// Loads two classifier checkpoints, aligns the second to the first as asked, takes the linear or Bézier path
/// between them (with REPAIR at each point when asked) and scores it: what <c>fusion connect</c> prints.
/// </summary>
public static class ConnectivityRunner
{
    public static PathReport Run(string modelA, string modelB, ImageDataset dataset, ConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // One libtorch thread whatever else the process runs: fusion connect and a sweep's point give the same bits.
        using var threads = TorchThreads.Use(1);
        using var a = ClassifierWeights.Load(modelA, options.Roots);
        using var b = ClassifierWeights.Load(modelB, options.Roots);
        foreach (var (model, folder) in new[] { (a, modelA), (b, modelB) })
        {
            if (model.Config.ZipLayers is { } k)
            {
                throw new ArgumentException($"{folder}: a partially zipped model (zip_layers {k}, two branches) is not a path endpoint; fusion eval scores it");
            }
        }

        a.CheckSameShape(b, modelA, modelB);
        a.CheckFinite(modelA);
        b.CheckFinite(modelB);
        LabelledSamples.CheckFits(dataset, a.Config, modelA);
        using var evaluation = LabelledSamples.From(dataset, options.EvaluationSplit, options.EvaluationSamples, options.Seed);
        var needsStatistics = options.Repair || options.Alignment is AlignmentMethod.ActivationMatching or AlignmentMethod.ZipIt;
        using var statistics = needsStatistics ? LabelledSamples.From(dataset, DatasetSplit.Train, options.StatisticsSamples, options.Seed) : null;

        if (options.Alignment == AlignmentMethod.ZipIt)
        {
            return Zip(a, b, evaluation, statistics!, options);
        }

        using var aligned = Align(a, b, options, statistics, cancellationToken);
        using var bezierData = options.Curve == PathCurve.Bezier ? LabelledSamples.From(dataset, DatasetSplit.Train) : null;
        var path = options.Curve == PathCurve.Bezier
            ? BezierCurveTrainer.Train(a, aligned, bezierData!, options.Bezier with { Seed = options.Seed }, cancellationToken)
            : (IModelPath)new LinearPath(a, aligned);
        try
        {
            Func<ClassifierWeights, double, ClassifierWeights>? repair = null;
            if (options.Repair)
            {
                var startStatistics = UnitStatistics.Measure(a, statistics!.Inputs);
                var endStatistics = UnitStatistics.Measure(aligned, statistics.Inputs);
                repair = (weights, alpha) => RepairCorrector.Repair(weights, startStatistics, endStatistics, alpha, statistics.Inputs);
            }

            var points = PathEvaluator.Evaluate(path, options.Points, evaluation, repair, cancellationToken);
            return new PathReport(Label(options), path.Name, AlignmentName(options.Alignment), options.Repair, points);
        }
        finally
        {
            (path as BezierPath)?.Bend.Dispose();
        }
    }

    /// <summary>The method's name as the CLI and JSON spell it.</summary>
    public static string AlignmentName(AlignmentMethod method) => method switch
    {
        AlignmentMethod.None => "none",
        AlignmentMethod.ActivationMatching => "activation_matching",
        AlignmentMethod.WeightMatching => "weight_matching",
        AlignmentMethod.ZipIt => "zipit",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown alignment method"),
    };

    private static ClassifierWeights Align(ClassifierWeights a, ClassifierWeights b, ConnectOptions options, LabelledSamples? statistics, CancellationToken cancellationToken) => options.Alignment switch
    {
        AlignmentMethod.None => b.Clone(),
        AlignmentMethod.ActivationMatching => UnitPermutations.Apply(b, UnitPermutations.SpecOf(b, "the second model"), ActivationMatcher.Match(a, b, statistics!.Inputs, new JonkerVolgenantSolver())),
        AlignmentMethod.WeightMatching => UnitPermutations.Apply(b, UnitPermutations.SpecOf(b, "the second model"), ClassifierWeightMatching.Match(a, b, unchecked((int)options.Seed), cancellationToken).Permutations),
        _ => throw new NotSupportedException($"alignment '{AlignmentName(options.Alignment)}' is not available yet"),
    };

    /// <summary>ZipIt! is a merge, not a path: the zipped model stands at α = 0.5 between the two endpoints.</summary>
    private static PathReport Zip(ClassifierWeights a, ClassifierWeights b, LabelledSamples evaluation, LabelledSamples statistics, ConnectOptions options)
    {
        if (options.Repair || options.Curve != PathCurve.Linear)
        {
            throw new ArgumentException("--align zipit scores one zipped model; it takes neither --repair nor --curve bezier");
        }

        using var zipped = ZipItMerger.Zip(a, b, statistics.Inputs, options.ZipLayers, new ZipItOptions());
        if (options.SaveZippedTo is { } folder)
        {
            Save(zipped, folder);
        }

        var start = ClassifierScorer.Score(a, evaluation);
        var middle = ClassifierScorer.Score(zipped.Logits, evaluation);
        var end = ClassifierScorer.Score(b, evaluation);
        var label = options.ZipLayers is { } k && k < a.HiddenLayerCount ? $"zipit (first {k} of {a.HiddenLayerCount} hidden layers)" : "zipit";
        return new PathReport(label, "zip", AlignmentName(AlignmentMethod.ZipIt), false, [
            new PathPoint(0, start.Accuracy, start.Loss), new PathPoint(0.5, middle.Accuracy, middle.Loss), new PathPoint(1, end.Accuracy, end.Loss)]);
    }

    /// <summary>Writes the checkpoint beside the folder and moves it in whole, so a failure leaves no partial model there.</summary>
    private static void Save(ZippedClassifier zipped, string folder)
    {
        var target = Path.GetFullPath(folder);
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new ArgumentException($"{target}: already exists and is not empty; the zipped model is written to a new or empty folder");
        }

        var staging = $"{target.TrimEnd(Path.DirectorySeparatorChar)}.partial-{Guid.NewGuid():N}";
        try
        {
            using (var classifier = zipped.ToClassifier())
            {
                classifier.Save(staging);
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static string Label(ConnectOptions options)
    {
        var label = options.Alignment == AlignmentMethod.None ? "naive" : AlignmentName(options.Alignment).Replace('_', ' ');
        if (options.Curve == PathCurve.Bezier)
        {
            label += ", bezier";
        }

        return options.Repair ? label + " + REPAIR" : label;
    }
}

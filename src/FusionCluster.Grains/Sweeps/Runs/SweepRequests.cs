using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>The merge job and the evaluation a candidate of a sweep asks for.</summary>
public static class SweepRequests
{
    public static MergeRequest Merge(SweepSpec spec, string sweepId, int run, SweepCandidateStatus candidate, long shardSizeBytes) => new()
    {
        SpecText = candidate.SpecText,
        SpecDirectory = spec.MergeTemplate.Directory,
        SpecName = $"{spec.Name} run {run} #{candidate.Index}",
        Output = candidate.MergeOutput,
        Seed = spec.Seed,
        ShardSizeBytes = shardSizeBytes,

        // Only started when no published merge is there; whatever is there is a leftover.
        Overwrite = true,
        SubmittedBy = $"sweep {sweepId}",
    };

    /// <summary>One merge job for a group of candidates: alone as <see cref="Merge"/>, together as a shared-input job.</summary>
    public static MergeRequest Merge(SweepSpec spec, string sweepId, int run, IReadOnlyList<SweepCandidateStatus> candidates, long shardSizeBytes) =>
        candidates.Count == 1
            ? Merge(spec, sweepId, run, candidates[0], shardSizeBytes)
            : Merge(spec, sweepId, run, candidates[0], shardSizeBytes) with
            {
                SpecName = $"{spec.Name} run {run} #{string.Join(",", candidates.Select(c => c.Index))}",
                Candidates = candidates.Select(c => new CandidateSpec(SweepMergeBatches.CandidateName(c), c.SpecText, spec.MergeTemplate.Directory, c.MergeOutput)).ToList(),
            };

    /// <summary>The evaluation of a connect sweep's point: its connect options, published at the candidate's location.</summary>
    public static EvaluationRequest Connect(SweepSpec spec, int run, SweepCandidateStatus candidate)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(candidate);
        var template = spec.Connect ?? throw new ArgumentException($"sweep {spec.Name} is not a connect sweep", nameof(spec));
        var point = template.Instantiate(spec.Points[candidate.Index]);
        return new EvaluationRequest
        {
            ModelFolder = candidate.MergeOutput,
            Connect = new ConnectEvaluationRequest
            {
                A = point.A,
                B = point.B,
                Dataset = point.Dataset,
                Text = point.Text,
                Align = point.Align,
                Repair = point.Repair,
                Points = point.Points,
                Curve = point.Curve,
                Split = point.Split,
                MaxSamples = point.MaxSamples,
                StatisticsSamples = point.StatisticsSamples,
                Seed = point.Seed,
                Context = point.Context,
                Iterations = point.Iterations,
                ZipLayers = point.ZipLayers,
                BezierEpochs = point.BezierEpochs,
                BezierLearningRate = point.BezierLearningRate,
                MatchText = point.MatchText,
                Name = SweepOutputLayout.ConnectResultName(run, candidate.Index),
            },
        };
    }

    /// <summary>
    /// The scoring job of a sweep that publishes only its best (<see cref="SweepOutputs.BestOnly"/>): the candidates
    /// as a shared-input job (also one alone) whose units score each against the tensors evaluator's references.
    /// </summary>
    /// <param name="publishBest">The job publishes its best by the sweep's objective, written while scoring (<see cref="SweepMergeBatches.PublishesBest"/>).</param>
    public static MergeRequest Scoring(SweepSpec spec, string sweepId, int run, IReadOnlyList<SweepCandidateStatus> candidates, long shardSizeBytes, bool publishBest = false)
    {
        var tensors = spec.Evaluator.Tensors ?? throw new InvalidOperationException("publish: best is refused at create time without the tensors evaluator");
        return Merge(spec, sweepId, run, candidates[0], shardSizeBytes) with
        {
            SpecName = $"{spec.Name} run {run} #{string.Join(",", candidates.Select(c => c.Index))} (scored, not written)",
            Candidates = candidates.Select(c => new CandidateSpec(SweepMergeBatches.CandidateName(c), c.SpecText, spec.MergeTemplate.Directory, c.MergeOutput)).ToList(),
            Scoring = new OutputScoring(tensors.Compare.Select(c => c.Key).ToList(), tensors.Compare.Select(c => c.Value).ToList(), tensors.Base)
            {
                PublishBest = publishBest ? spec.Objective : null,
            },
        };
    }

    /// <param name="cacheFolder">The sweep output's evaluation cache folder (<see cref="ISweepOutput.EvaluationCacheFolder"/>), if it has one.</param>
    public static EvaluationRequest Evaluation(SweepSpec spec, string modelFolder, string? cacheFolder)
    {
        var evaluator = spec.Evaluator;
        return new EvaluationRequest
        {
            ModelFolder = modelFolder,
            Dataset = evaluator.Accuracy?.Dataset,
            Split = evaluator.Accuracy?.Split ?? "held-out",
            Classes = evaluator.Accuracy?.Classes,
            CompareNames = evaluator.Tensors?.Compare.Select(c => c.Key).ToList() ?? [],
            CompareFolders = evaluator.Tensors?.Compare.Select(c => c.Value).ToList() ?? [],
            BaseFolder = evaluator.Tensors?.Base,
            Command = evaluator.Command?.Run,
            CommandTimeoutSeconds = evaluator.Command?.TimeoutSeconds ?? 600,
            WorkingDirectory = evaluator.Command?.WorkingDirectory,
            CommandVariables = evaluator.Command?.Variables ?? [],
            PerplexityText = evaluator.Perplexity?.Text,
            PerplexityContext = evaluator.Perplexity?.Context,
            CacheFolder = cacheFolder,
        };
    }
}

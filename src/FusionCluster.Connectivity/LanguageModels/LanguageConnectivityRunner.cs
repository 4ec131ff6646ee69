using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Training;
using FusionCluster.Language;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// <c>fusion connect A B --text T</c> for language models: optionally weight- or activation-matches B to A (the
/// llama permutation spec: residual stream, FFN units, attention heads), then scores perplexity on T at evenly
/// spaced α of θ(α) = (1−α)·θ_A + α·θ_B, every parameter interpolated, with A's config and tokenizer (B must
/// tokenize T identically).
/// </summary>
public static class LanguageConnectivityRunner
{
    public static LanguagePathReport Run(string modelA, string modelB, string textFile, LanguageConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // One libtorch thread whatever else the process runs: fusion connect and a sweep's point give the same bits.
        using var threads = TorchThreads.Use(1);
        var ids = Encode(modelA, modelB, ReadText(textFile), options.Roots);
        if (options.Context is { } asked)
        {
            // Before aligning, which runs the models on windows of this context too.
            foreach (var model in new[] { modelA, modelB })
            {
                PerplexityCalculator.CheckContext(asked, LanguageModelCheckpoint.ReadConfig(model, options.Roots), model);
            }
        }

        string? alignedFolder = null;
        try
        {
            if (options.Alignment != AlignmentMethod.None)
            {
                alignedFolder = Path.Combine(Path.GetTempPath(), $"fusion-connect-{Guid.NewGuid():n}");
                Align(modelA, modelB, alignedFolder, options, ids, cancellationToken);
            }

            var device = LanguageDevice.Resolve(options.Device);
            using var a = LanguageModelCheckpoint.Load(modelA, device, options.Roots);
            // The aligned copy is this process's own, written from B as read through the roots.
            using var b = alignedFolder is null ? LanguageModelCheckpoint.Load(modelB, device, options.Roots) : LanguageModelCheckpoint.Load(alignedFolder, device);
            foreach (var (model, name) in new[] { (a, modelA), (b, modelB) })
            {
                if (FiniteWeights.FirstNotFinite(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))) is { } found)
                {
                    throw new LanguageModelException(FiniteWeights.DescribeEndpoint(name, found));
                }
            }

            using var mix = new LlamaForCausalLM(a.Config, device);
            mix.eval();
            var parameters = Triples(a, b, mix, modelA, modelB);
            var context = options.Context ?? PerplexityCalculator.DefaultContext(a.Config);
            var points = new List<LanguagePathPoint>(options.Points);
            long tokens = 0;
            for (var i = 0; i < options.Points; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // i / (points − 1) is exactly 0 and 1 at the ends, and (1−0)·θ_A + 0·θ_B is θ_A bit for bit.
                var alpha = (double)i / (options.Points - 1);
                using (no_grad())
                {
                    using var keep = (1 - alpha).ToScalar();
                    using var take = alpha.ToScalar();
                    foreach (var (first, second, target) in parameters)
                    {
                        using var scope = NewDisposeScope();
                        target.copy_((first * keep).add(second * take, HeldScalars.One));
                    }
                }

                var result = PerplexityCalculator.Compute(mix, ids, context, cancellationToken);
                tokens = result.Tokens;
                points.Add(new LanguagePathPoint(alpha, result.Perplexity, result.MeanNll));
            }

            var alignment = ConnectivityRunner.AlignmentName(options.Alignment);
            return new LanguagePathReport(options.Alignment == AlignmentMethod.None ? "naive" : alignment.Replace('_', ' '), alignment, tokens, points);
        }
        finally
        {
            if (alignedFolder is not null && Directory.Exists(alignedFolder))
            {
                Directory.Delete(alignedFolder, recursive: true);
            }
        }
    }

    /// <summary>The text's ids under A's tokenizer, checked to be B's too: perplexities are only comparable on the same tokens.</summary>
    private static int[] Encode(string modelA, string modelB, string text, LocalRoots roots)
    {
        using var first = HfTokenizer.Load(modelA, roots);
        using var second = HfTokenizer.Load(modelB, roots);
        var ids = first.Encode(text);
        if (!ids.AsSpan().SequenceEqual(second.Encode(text)))
        {
            throw new LanguageModelException($"{modelA} and {modelB} tokenize the text differently; a path between them needs one tokenizer");
        }

        return ids;
    }

    /// <summary>
    /// Writes B permuted to match A (weights, config, tokenizer) into <paramref name="folder"/>: weight matching, or
    /// activation matching on <see cref="LanguageConnectOptions.MatchText"/> (else the scored text, <paramref name="ids"/>).
    /// </summary>
    private static void Align(string modelA, string modelB, string folder, LanguageConnectOptions options, int[] ids, CancellationToken cancellationToken)
    {
        using var reference = CheckpointFolder.Open(modelA, options.Roots);
        using var model = CheckpointFolder.Open(modelB, options.Roots);
        var referenceTensors = new CheckpointAlignmentTensors(reference, cache: options.Alignment == AlignmentMethod.WeightMatching);
        var modelTensors = new CheckpointAlignmentTensors(model, cache: options.Alignment == AlignmentMethod.WeightMatching);
        var spec = PermutationSpecs.Resolve(model.Config, modelTensors.Shapes, null, model.FolderPath);
        AlignmentResult result;
        if (options.Alignment == AlignmentMethod.WeightMatching)
        {
            result = WeightMatcher.Match(referenceTensors, modelTensors, spec, new WeightMatchingOptions(options.Iterations, options.Seed), cancellationToken);
        }
        else
        {
            PermutationSpec.CheckSameShapes(referenceTensors.Shapes, reference.FolderPath, modelTensors.Shapes, model.FolderPath);
            spec.CheckCovers(referenceTensors.Shapes, reference.FolderPath);
            var matchIds = options.MatchText is { } matchText ? Encode(modelA, modelB, ReadText(matchText), options.Roots) : ids;
            var context = options.Context ?? PerplexityCalculator.DefaultContext(LanguageModelCheckpoint.ReadConfig(reference, modelA).Config);
            // A folder's tensors open synchronously (memory maps), so this wait never blocks.
            result = LanguageActivationMatcher.MatchStreamedAsync(reference, modelA, model, modelB, spec, matchIds, context, options.Samples, options.Seed, new JonkerVolgenantSolver(), UnitMemory.BytesPerUnit, cancellationToken).GetAwaiter().GetResult();
        }

        PermutedCheckpointWriter.Write(model, new PermutedTensorMap(spec, result.Permutations), folder, cancellationToken);
    }

    private static string ReadText(string file)
    {
        var path = Path.GetFullPath(file);
        return File.Exists(path) ? File.ReadAllText(path) : throw new LanguageModelException($"{path}: text file does not exist");
    }

    private static List<(Tensor First, Tensor Second, Tensor Target)> Triples(LlamaForCausalLM a, LlamaForCausalLM b, LlamaForCausalLM mix, string modelA, string modelB)
    {
        var second = b.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var target = mix.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var triples = new List<(Tensor, Tensor, Tensor)>();
        foreach (var (name, first) in a.named_parameters())
        {
            if (!second.TryGetValue(name, out var other) || !other.shape.SequenceEqual(first.shape))
            {
                var found = other is null ? "no such tensor" : $"[{string.Join(", ", other.shape)}]";
                throw new LanguageModelException($"{modelB}: tensor '{name}' is {found}, but {modelA} has [{string.Join(", ", first.shape)}]; a path needs two models of one shape");
            }

            triples.Add((first, other, target[name]));
        }

        if (second.Count != triples.Count)
        {
            throw new LanguageModelException($"{modelB}: has tensors {modelA} lacks ({string.Join(", ", second.Keys.Except(target.Keys).Take(3))}); a path needs two models of one shape");
        }

        return triples;
    }
}

using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Repair;
using FusionCluster.Alignment.Reports;
using FusionCluster.Alignment.Specs;
using FusionCluster.Alignment.Zipping;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Alignment.Jobs;

/// <summary>
/// Alignment inside a merge job, on whichever worker silo runs the unit: an alignment unit weight-matches
/// one model to the reference (both read at the versions the job planned), and a merge unit reads that
/// model through the permutations found (<see cref="PermutedTensorSource"/>), so no permuted copy is
/// ever written. Both derive the permutation spec the same way from the model's config and tensors.
/// </summary>
/// <param name="data">Runs activation_matching and REPAIR, and zipit where it is an <see cref="IDataZipping"/> too; null where the silo has no forward pass (then such units fail, naming why).</param>
public sealed class JobInputAlignment(CheckpointCache checkpoints, IDataAlignment? data = null) : IInputAlignment
{
    /// <summary>
    /// The model types activation_matching, zipit and REPAIR run forward in merge jobs: the classifiers <c>fusion train</c>
    /// makes. activation_matching also runs llama-family checkpoints (recognised by their tensor names).
    /// </summary>
    public static readonly IReadOnlyList<string> ActivationModelTypes = ["fusion-mnist-mlp", "fusion-mnist-cnn"];

    public async Task<string> AlignAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        var plan = assignment.Align ?? throw new AlignmentException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}) is an alignment unit of a job that aligns nothing");
        var model = assignment.AlignModel!;
        var referenceCheckpoint = await OpenAsync(assignment, plan.Reference, cancellationToken);
        var reference = new StoredAlignmentTensors(referenceCheckpoint, plan.Reference, cancellationToken);
        var checkpoint = await OpenAsync(assignment, model, cancellationToken);
        var other = new StoredAlignmentTensors(checkpoint, model, cancellationToken);
        var spec = SpecOf(plan, checkpoint, other.Shapes, model);
        if (plan.Method == "zipit")
        {
            // The clusters of both models' features per hidden layer: the merge units fold both models through them.
            return ZipUnitResult.ToJson(await Zipping(assignment).ZipAsync(plan, referenceCheckpoint, checkpoint, model, cancellationToken), plan, model);
        }

        var result = plan.Method switch
        {
            // Minutes of computing without an await: on a thread of its own, not one of the pool's, which the silo needs.
            "weight_matching" => await ComputeThreads.RunAsync(() => WeightMatcher.Match(reference, other, spec, new WeightMatchingOptions(plan.Iterations, plan.Seed), cancellationToken), cancellationToken),
            "activation_matching" => await Data(assignment).MatchAsync(plan, referenceCheckpoint, checkpoint, model, cancellationToken),
            _ => throw new AlignmentException($"align.method: {plan.Method} does not run in merge jobs"),
        };

        // REPAIR (two models only, so this is the job's one align unit): the correction of the interpolation
        // of the reference and this model as permuted, left for the merge units with the permutations.
        var repair = plan.RepairAlpha is null ? null : await Data(assignment).RepairAsync(plan, referenceCheckpoint, checkpoint, model, result.Permutations, cancellationToken);
        return AlignUnitResult.ToJson(result, plan, model, repair);
    }

    public async Task<Func<StoredTensor, StoredTensor>?> ViewAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken)
    {
        if (assignment.Align is not { } plan)
        {
            return null;
        }

        if (plan.Method == "zipit")
        {
            return await ZippedViewAsync(assignment, plan, model, cancellationToken);
        }

        // With REPAIR both endpoints are read through the correction (after the permutation): see CorrectedTensorSource.
        var corrections = plan.RepairAlpha is null ? null : Corrections(assignment);
        Func<StoredTensor, StoredTensor> Corrected(Func<StoredTensor, StoredTensor> view) => corrections is null
            ? view
            : stored =>
            {
                var read = view(stored);
                return corrections.TryGetValue(read.Entry.Name, out var fix) ? new CorrectedTensorSource(read, fix.Correction, fix.IsBias) : read;
            };

        if (!plan.Models.Contains(model, StringComparer.Ordinal))
        {
            return model == plan.Reference && corrections is not null ? Corrected(stored => stored) : null;
        }

        var result = ResultOf(assignment, model);
        var permutations = PermutationsFile.PermutationsOf(result, $"the alignment of model '{model}'");
        var checkpoint = await OpenAsync(assignment, model, cancellationToken);
        var spec = SpecOf(plan, checkpoint, StoredAlignmentTensors.ShapesOf(checkpoint), model);
        var map = new PermutedTensorMap(spec, permutations);
        return Corrected(stored => new PermutedTensorSource(stored, map));
    }

    /// <summary>
    /// Plan-time check (headers only) that every model the job aligns can be: a permutation spec covers it,
    /// and it has the reference's tensors and shapes. Errors name the model and tensor.
    /// </summary>
    public static void Check(AlignPlan plan, IReadOnlyDictionary<string, ModelInfo> models)
    {
        var reference = ShapesOf(models[plan.Reference]);
        foreach (var model in plan.Models)
        {
            var shapes = ShapesOf(models[model]);
            var spec = PermutationSpecs.Resolve(models[model].Config, shapes, plan.PermutationSpecFile, $"model '{model}'");
            PermutationSpec.CheckSameShapes(reference, $"model '{plan.Reference}'", shapes, $"model '{model}'");
            spec.CheckCovers(shapes, $"model '{model}'");
        }

        if (plan.Method is "activation_matching" or "zipit" || plan.RepairAlpha is not null)
        {
            // Llama-family checkpoints match activations on a text file (IDataAlignment runs their forward pass);
            // REPAIR's corrections are per hidden unit of a classifier's layers and have no llama counterpart here.
            var languageModels = plan.Models.Prepend(plan.Reference).Where(m => LlamaPermutationSpec.Recognises(ShapesOf(models[m]))).ToList();
            var acceptsLanguageModels = plan.Method == "activation_matching" && plan.RepairAlpha is null;
            if (acceptsLanguageModels && languageModels.Count == plan.Models.Count + 1)
            {
                return;
            }

            foreach (var model in plan.Models.Prepend(plan.Reference))
            {
                var type = models[model].Config?["model_type"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : "none";
                if (plan.RepairAlpha is not null && languageModels.Contains(model, StringComparer.Ordinal))
                {
                    throw new AlignmentException($"model '{model}': REPAIR in merge jobs corrects the classifiers fusion train makes (model_type {string.Join(" or ", ActivationModelTypes)}), not llama-family models; drop repair: true");
                }

                if (!ActivationModelTypes.Contains(type, StringComparer.Ordinal) && !(acceptsLanguageModels && languageModels.Contains(model, StringComparer.Ordinal)))
                {
                    throw new AlignmentException($"model '{model}': {(plan.RepairAlpha is null ? plan.Method : "REPAIR")} in merge jobs runs the classifiers fusion train makes (model_type {string.Join(" or ", ActivationModelTypes)}){(acceptsLanguageModels ? " and llama-family models" : "")}, not model_type '{type}'; use weight_matching");
                }
            }
        }
    }

    private static System.Text.Json.Nodes.JsonNode ResultOf(UnitAssignment assignment, string model) =>
        assignment.AlignResults.Select(AlignUnitResult.Parse).FirstOrDefault(r => AlignUnitResult.ModelOf(r) == model)
            ?? throw new AlignmentException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the alignment phase left no permutations for model '{model}'");

    /// <summary>REPAIR's corrections by tensor name, from the one aligned model's unit result.</summary>
    private static Dictionary<string, (UnitCorrection Correction, bool IsBias)> Corrections(UnitAssignment assignment)
    {
        var model = assignment.Align!.Models.Single();
        var byTensor = new Dictionary<string, (UnitCorrection, bool)>(StringComparer.Ordinal);
        foreach (var correction in AlignUnitResult.RepairOf(ResultOf(assignment, model), $"the alignment of model '{model}'"))
        {
            byTensor[correction.Weight] = (correction, false);
            byTensor[correction.Bias] = (correction, true);
        }

        return byTensor;
    }

    /// <summary>
    /// zipit: both models are read as their share of the zipped model (the reference as the first of the clusters'
    /// two, the other as the second), doubled because the job's equal-weight linear merge halves each share. Under
    /// partial zipping a branch copies its model's later layers through this view too: the first reads the shared
    /// features through the model's unmerge, the rest read as stored (no clusters, so nothing is doubled).
    /// </summary>
    private async Task<Func<StoredTensor, StoredTensor>?> ZippedViewAsync(UnitAssignment assignment, AlignPlan plan, string model, CancellationToken cancellationToken)
    {
        var zipped = plan.Models.Single();
        if (model != plan.Reference && model != zipped)
        {
            return null;
        }

        var clusters = ZipUnitResult.ClustersOf(ResultOf(assignment, zipped), $"the zipping of model '{zipped}'");
        var checkpoint = await OpenAsync(assignment, model, cancellationToken);
        var spec = SpecOf(plan, checkpoint, StoredAlignmentTensors.ShapesOf(checkpoint), model);
        var side = model == plan.Reference ? 0 : 1;
        return stored => new ZippedTensorSource(stored, ZipFolds.For(spec, clusters, stored.Entry.Name, side, mergedScale: 2));
    }

    private IDataZipping Zipping(UnitAssignment assignment) =>
        data as IDataZipping ?? throw new AlignmentException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): this worker cannot run zipit (no forward pass registered)");

    private IDataAlignment Data(UnitAssignment assignment) =>
        data ?? throw new AlignmentException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): this worker cannot run activation_matching or REPAIR (no forward pass registered)");

    private static IReadOnlyDictionary<string, long[]> ShapesOf(ModelInfo model) =>
        model.Tensors.ToDictionary(t => t.Key, t => t.Value.Shape, StringComparer.Ordinal);

    private static PermutationSpec SpecOf(AlignPlan plan, ICheckpoint checkpoint, IReadOnlyDictionary<string, long[]> shapes, string model) =>
        PermutationSpecs.Resolve(checkpoint.Config, shapes, plan.PermutationSpecFile, $"model '{model}'");

    private Task<ICheckpoint> OpenAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken)
    {
        var location = assignment.ModelPaths[model];
        return checkpoints.GetAsync(location, assignment.PlannedVersions(location), cancellationToken);
    }
}

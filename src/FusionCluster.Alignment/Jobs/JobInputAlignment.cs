using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Reports;
using FusionCluster.Alignment.Specs;
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
public sealed class JobInputAlignment(CheckpointCache checkpoints) : IInputAlignment
{
    public async Task<string> AlignAsync(UnitAssignment assignment, CancellationToken cancellationToken)
    {
        var plan = assignment.Align ?? throw new AlignmentException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}) is an alignment unit of a job that aligns nothing");
        var model = assignment.AlignModel!;
        var reference = new StoredAlignmentTensors(await OpenAsync(assignment, plan.Reference, cancellationToken), plan.Reference, cancellationToken);
        var checkpoint = await OpenAsync(assignment, model, cancellationToken);
        var other = new StoredAlignmentTensors(checkpoint, model, cancellationToken);
        var spec = SpecOf(plan, checkpoint, other.Shapes, model);
        var result = plan.Method switch
        {
            "weight_matching" => WeightMatcher.Match(reference, other, spec, new WeightMatchingOptions(plan.Iterations, plan.Seed), cancellationToken),
            _ => throw new AlignmentException($"align.method: {plan.Method} does not run in merge jobs"),
        };
        return AlignUnitResult.ToJson(result, plan, model);
    }

    public async Task<Func<StoredTensor, StoredTensor>?> ViewAsync(UnitAssignment assignment, string model, CancellationToken cancellationToken)
    {
        if (assignment.Align is not { } plan || !plan.Models.Contains(model, StringComparer.Ordinal))
        {
            return null;
        }

        var result = assignment.AlignResults.Select(AlignUnitResult.Parse).FirstOrDefault(r => AlignUnitResult.ModelOf(r) == model)
            ?? throw new AlignmentException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the alignment phase left no permutations for model '{model}'");
        var permutations = PermutationsFile.PermutationsOf(result, $"the alignment of model '{model}'");
        var checkpoint = await OpenAsync(assignment, model, cancellationToken);
        var spec = SpecOf(plan, checkpoint, StoredAlignmentTensors.ShapesOf(checkpoint), model);
        var map = new PermutedTensorMap(spec, permutations);
        return stored => new PermutedTensorSource(stored, map);
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
            spec.CheckCovers(shapes, $"model '{model}'");
            PermutationSpec.CheckSameShapes(reference, $"model '{plan.Reference}'", shapes, $"model '{model}'");
        }
    }

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

using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>
/// A run's baselines (<see cref="SweepSpec.Baselines"/>), as candidates after the merges: each input model of the
/// template as it is, and each asked-for ensemble of the template's models (with the base model when there is one
/// model only, as in slerp, whose two endpoints are the base and the model), whose ensemble.json goes to
/// &lt;out&gt;/baselines/&lt;rule&gt; (returned, to be written once the run owns the output). They start at evaluation
/// (nothing to merge); one that cannot be made fails alone.
/// </summary>
public static class SweepBaselineCandidates
{
    public static (List<SweepCandidateStatus> Candidates, List<BaselineEnsemble> Ensembles) Create(
        SweepSpec sweep, MergeSpec template, ISweepOutput output, ArtifactStores stores, int firstIndex)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(stores);
        var index = firstIndex;
        var baselines = new List<SweepCandidateStatus>();
        var ensembles = new List<BaselineEnsemble>();
        var members = template.Slices.SelectMany(s => s.Sources.Select(m => m.Model)).Distinct(StringComparer.Ordinal).ToList();
        List<string> ensembleMembers = members.Count >= 2 || template.BaseModel is null
            ? members
            : [template.BaseModel, .. members.Where(m => m != template.BaseModel)];
        if (sweep.Baselines.Contains(SweepBaselines.Inputs, StringComparer.Ordinal))
        {
            // Base first, as merges list it; a tokenizer-only model is not an input of the weights.
            foreach (var model in template.AllModels().Where(m => m == template.BaseModel || members.Contains(m, StringComparer.Ordinal)))
            {
                var label = model == template.BaseModel ? $"baseline: base model {model}" : $"baseline: input {model}";
                baselines.Add(Candidate(index++, label, () => LocalFolder(model, sweep, stores)));
            }
        }

        foreach (var rule in SweepBaselines.EnsembleRules.Where(r => sweep.Baselines.Contains(r, StringComparer.Ordinal)))
        {
            var ensembleIndex = index++;
            baselines.Add(Candidate(ensembleIndex, $"baseline: ensemble ({rule}) of {string.Join(", ", ensembleMembers)}", () =>
            {
                if (!EnsembleRules.TryParse(rule, out var parsed))
                {
                    throw new EvaluationException($"unknown ensemble rule '{rule}'");
                }

                var folders = ensembleMembers.Select(m => LocalFolder(m, sweep, stores)).ToList();
                var folder = output.BaselineFolder(rule)
                    ?? throw new SpecException($"baselines: {rule}: ensemble baselines need a sweep output in a local folder (an ensemble.json names local member folders), and {output.Root} is not one");
                var ensemble = EnsembleManifest.Create(folder, folders, null, parsed);
                ensembles.Add(new BaselineEnsemble(ensembleIndex, ensemble));
                return ensemble.Folder;
            }));
        }

        return (baselines, ensembles);
    }

    private static SweepCandidateStatus Candidate(int index, string label, Func<string> folder)
    {
        try
        {
            return new SweepCandidateStatus { Index = index, Label = label, Baseline = true, State = CandidateState.Evaluating, MergeOutput = folder() };
        }
        catch (Exception e) when (e is SpecException or StorageException or EvaluationException or IOException or UnauthorizedAccessException)
        {
            return new SweepCandidateStatus { Index = index, Label = label, Baseline = true, State = CandidateState.Failed, Error = e.Message };
        }
    }

    /// <summary>The model's folder on this machine: evaluators read models from disk, as they read the merges.</summary>
    private static string LocalFolder(string model, SweepSpec sweep, ArtifactStores stores)
    {
        var location = stores.Resolve(model, sweep.MergeTemplate.Directory, mustExist: true);
        if (!Path.IsPathRooted(location) || !Directory.Exists(location))
        {
            throw new SpecException($"model '{model}': baselines are evaluated from local folders, and {location} is not one");
        }

        return location;
    }
}

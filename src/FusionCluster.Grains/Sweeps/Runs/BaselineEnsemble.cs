using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>
/// An ensemble baseline's <c>ensemble.json</c>, made while the run is prepared and written into the sweep's output only
/// once the run has claimed it (<see cref="SweepRunDriver.PrepareAsync"/>): a run refused there writes nothing.
/// </summary>
/// <param name="Index">The baseline candidate's index in the run.</param>
public sealed record BaselineEnsemble(int Index, EnsembleManifest Manifest)
{
    /// <summary>The candidate as it stands once its manifest is written: failed, with the reason, when it cannot be.</summary>
    public SweepCandidateStatus Write(SweepCandidateStatus candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        try
        {
            Manifest.Write();
            return candidate;
        }
        catch (Exception e) when (e is StorageException or EvaluationException or IOException or UnauthorizedAccessException)
        {
            return candidate with { State = CandidateState.Failed, Error = $"{Manifest.FilePath}: {e.Message}" };
        }
    }
}

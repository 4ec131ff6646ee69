namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>
/// Evaluates merged models on one worker silo, keyed by that silo's address (like the worker grain) and
/// always placed on it; runs as many evaluations at once as the silo has unit slots.
/// </summary>
[Alias("fc.ISweepEvaluatorGrain")]
public interface ISweepEvaluatorGrain : IGrainWithStringKey
{
    /// <summary>Metrics of one model, or the evaluation's error (a broken model or command); throws only when the silo could not try.</summary>
    [Alias("Evaluate")]
    [ResponseTimeout("01:00:00")]
    Task<EvaluationOutcome> Evaluate(EvaluationRequest request);

    /// <summary>
    /// Stops this silo's evaluations for the run <paramref name="runTag"/> names (<see cref="EvaluationRequest.RunTag"/>),
    /// waiting or running (a command's process group is killed), and refuses the run's evaluations that arrive later: each
    /// answers an error. The run was cancelled; its slots are free for the next.
    /// </summary>
    [Alias("CancelRun")]
    Task CancelRun(string runTag);
}

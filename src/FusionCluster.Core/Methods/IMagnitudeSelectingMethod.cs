namespace FusionCluster.Core.Methods;

/// <summary>
/// A method whose merge of a tensor starts with exact top-k selections of its models' task-vector magnitudes
/// |x - base| (TIES, breadcrumbs). A unit merging several candidates over the same inputs (a density grid) asks each
/// for its selections first, finds them all in one pass over the inputs, and hands each candidate's merge its own
/// through <see cref="MergeTensorContext.Selections"/>, instead of one pass per candidate.
/// </summary>
public interface IMagnitudeSelectingMethod : IMergeMethod
{
    /// <summary>
    /// The selections <see cref="IMergeMethod.Merge"/> makes for <paramref name="ctx"/>, from its shape and parameters alone
    /// (no tensor is read); null when it makes none, or when its parameters are invalid (the merge itself then says why).
    /// </summary>
    PlannedSelections? PlanSelections(MergeTensorContext ctx);
}

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>Runs one mergekit-style spec through the real merge path (an embedded silo or a cluster) into a checkpoint folder.</summary>
public interface IMultiTaskMerger
{
    /// <summary>Merges <paramref name="specPath"/> into <paramref name="outputFolder"/> (replacing what is there); throws with the job's error when it fails.</summary>
    Task<MultiTaskMergeRun> MergeAsync(string specPath, string outputFolder, ulong seed, CancellationToken cancellationToken);
}

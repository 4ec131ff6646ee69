namespace FusionCluster.Evaluation.Datasets;

/// <summary>Which samples of a dataset file to use.</summary>
public enum DatasetSplit
{
    /// <summary>The samples meant for training (the first TrainCount of the file).</summary>
    Train,

    /// <summary>The samples kept out of training, for evaluation (the rest of the file).</summary>
    HeldOut,

    /// <summary>Every sample.</summary>
    All,
}

namespace FusionCluster.Evaluation.Datasets;

/// <summary>A dataset file or source that cannot be used; the message names the file and what is wrong.</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}

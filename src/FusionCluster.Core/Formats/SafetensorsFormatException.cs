namespace FusionCluster.Core.Formats;

/// <summary>
/// A safetensors file or index that is malformed, truncated or inconsistent. The message reads
/// "PATH: tensor 'NAME': PROBLEM" (the tensor part only when one tensor is at fault).
/// </summary>
public sealed class SafetensorsFormatException : CheckpointException
{
    public SafetensorsFormatException(string filePath, string? tensorName, string problem, Exception? innerException = null)
        : base(Compose(filePath, tensorName, problem), innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    public string FilePath { get; }

    public string? TensorName { get; }

    /// <summary>What is wrong, without the path and tensor prefix.</summary>
    public string Problem { get; }

    private static string Compose(string filePath, string? tensorName, string problem) =>
        tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}";
}

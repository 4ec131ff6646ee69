namespace FusionCluster.Evaluation.Evaluators;

/// <summary>A model the evaluated one is compared with, and the name its metrics carry (e.g. "cosine/ft-1").</summary>
public sealed record ReferenceModel(string Name, string Folder)
{
    /// <summary>Named after the folder, as a merge spec usually names its models.</summary>
    public static ReferenceModel FromFolder(string folder) =>
        new(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), folder);
}

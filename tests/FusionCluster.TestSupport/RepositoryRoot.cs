namespace FusionCluster.TestSupport;

/// <summary>Finds the repository checkout the tests run from.</summary>
public static class RepositoryRoot
{
    private const string SolutionFileName = "FusionCluster.sln";

    private static readonly Lazy<string> Root = new(Locate);

    /// <summary>The folder holding FusionCluster.sln, found by walking up from the test's output folder.</summary>
    /// <exception cref="InvalidOperationException">No parent folder holds FusionCluster.sln.</exception>
    public static string Find() => Root.Value;

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds {SolutionFileName}; run the tests from a FusionCluster checkout");
    }
}

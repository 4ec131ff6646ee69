namespace FusionCluster.TestSupport;

/// <summary>Deleting the folders servers leave behind, tolerating ones already gone.</summary>
internal static class TemporaryDirectory
{
    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}

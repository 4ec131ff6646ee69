using System.Diagnostics;

namespace FusionCluster.TestSupport;

/// <summary>Named pipes for tests of readers that must refuse them: opening one for reading blocks until a writer comes.</summary>
public static class Fifo
{
    /// <summary>Makes a FIFO at <paramref name="path"/> with mkfifo(1) (no P/Invoke: the tool is on every Linux) and returns the path.</summary>
    public static string Create(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]) ?? throw new InvalidOperationException("mkfifo did not start");
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} exited with {mkfifo.ExitCode}");
        }

        return path;
    }
}

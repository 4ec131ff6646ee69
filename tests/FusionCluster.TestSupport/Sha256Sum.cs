using System.Diagnostics;

namespace FusionCluster.TestSupport;

/// <summary>
/// The SHA-256 of a file as the system's <c>sha256sum</c> (GNU coreutils) computes it: a reference for
/// content hashes that shares no code with the repository.
/// </summary>
public static class Sha256Sum
{
    /// <summary>Lower-case hex, as sha256sum prints it.</summary>
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("sha256sum")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--binary");
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(path);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new MissingLocalToolException("sha256sum did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MissingLocalToolException($"sha256sum (GNU coreutils) was not found on PATH: {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"sha256sum {path} exited with {process.ExitCode}: {await stderr}");
            }

            var digest = (await stdout).Split(' ', 2)[0];
            return digest.Length == 64 && digest.All(char.IsAsciiHexDigitLower)
                ? digest
                : throw new InvalidOperationException($"sha256sum {path} printed '{await stdout}', not a digest");
        }
    }
}

using System.Diagnostics;

namespace FusionCluster.Silo;

/// <summary>Finds NVIDIA GPUs the way a worker host exposes them: device nodes or nvidia-smi.</summary>
public static class GpuDetector
{
    /// <summary>A short description of the GPUs present ("/dev/nvidia0" or nvidia-smi's first line), or null when there are none.</summary>
    public static string? Describe()
    {
        var fromSmi = QueryNvidiaSmi();
        if (fromSmi is not null)
        {
            return fromSmi;
        }

        return File.Exists("/dev/nvidia0") ? "/dev/nvidia0" : null;
    }

    private static string? QueryNvidiaSmi()
    {
        try
        {
            using var smi = Process.Start(new ProcessStartInfo("nvidia-smi", "-L")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (smi is null)
            {
                return null;
            }

            // Drain stderr concurrently so a chatty failure cannot block the process on a full pipe.
            var errors = smi.StandardError.ReadToEndAsync();
            var output = smi.StandardOutput.ReadToEnd();
            errors.GetAwaiter().GetResult();
            if (!smi.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                smi.Kill();
                return null;
            }

            var gpus = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.StartsWith("GPU ", StringComparison.Ordinal))
                .ToList();
            return smi.ExitCode == 0 && gpus.Count > 0
                ? gpus.Count == 1 ? gpus[0] : $"{gpus[0]} (+{gpus.Count - 1} more)"
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // nvidia-smi is not installed: no driver, so no usable GPU either.
            return null;
        }
    }
}

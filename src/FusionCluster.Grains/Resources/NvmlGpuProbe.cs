using System.Globalization;
using System.Runtime.InteropServices;

namespace FusionCluster.Grains.Resources;

/// <summary>
/// Reads GPU memory and utilisation through NVML (libnvidia-ml, installed with every NVIDIA driver), the source
/// nvidia-smi reads; TorchSharp has no API for either. Only the devices CUDA_VISIBLE_DEVICES leaves the process
/// (when it lists indices) are read. A host without the driver has no probe: <see cref="TryOpen"/> returns null.
/// </summary>
public sealed class NvmlGpuProbe
{
    private const string Library = "libnvidia-ml.so.1";

    private readonly IReadOnlyList<IntPtr> devices;

    private NvmlGpuProbe(IReadOnlyList<IntPtr> devices) => this.devices = devices;

    public int Devices => devices.Count;

    public static NvmlGpuProbe? TryOpen()
    {
        try
        {
            if (NativeMethods.nvmlInit_v2() != 0 || NativeMethods.nvmlDeviceGetCount_v2(out var count) != 0 || count == 0)
            {
                return null;
            }

            var handles = new List<IntPtr>();
            foreach (var index in Visible(Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"), (int)count))
            {
                if (NativeMethods.nvmlDeviceGetHandleByIndex_v2((uint)index, out var handle) == 0)
                {
                    handles.Add(handle);
                }
            }

            return handles.Count == 0 ? null : new NvmlGpuProbe(handles);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>The device indices a CUDA_VISIBLE_DEVICES value leaves (all when unset or not a list of indices, e.g. UUIDs).</summary>
    public static IReadOnlyList<int> Visible(string? value, int count)
    {
        var all = Enumerable.Range(0, count).ToList();
        if (string.IsNullOrWhiteSpace(value))
        {
            return all;
        }

        var indices = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return indices.All(i => int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            ? [.. indices.Select(i => int.Parse(i, CultureInfo.InvariantCulture)).Where(i => i < count).Distinct()]
            : all;
    }

    /// <returns>Null when no device answered.</returns>
    public GpuReading? Read()
    {
        long used = 0;
        var busy = new List<double>();
        foreach (var device in devices)
        {
            if (NativeMethods.nvmlDeviceGetMemoryInfo(device, out var memory) == 0)
            {
                used += (long)memory.Used;
            }

            if (NativeMethods.nvmlDeviceGetUtilizationRates(device, out var rates) == 0)
            {
                busy.Add(rates.Gpu);
            }
        }

        return busy.Count == 0 && used == 0 ? null : new GpuReading(used, busy.Count == 0 ? 0 : busy.Average());
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlUtilization
    {
        public uint Gpu;
        public uint Memory;
    }

    // The C names of nvml.h; every call returns nvmlReturn_t, 0 for success.
    private static class NativeMethods
    {
        [DllImport(Library)]
        public static extern int nvmlInit_v2();

        [DllImport(Library)]
        public static extern int nvmlDeviceGetCount_v2(out uint count);

        [DllImport(Library)]
        public static extern int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);

        [DllImport(Library)]
        public static extern int nvmlDeviceGetMemoryInfo(IntPtr device, out NvmlMemory memory);

        [DllImport(Library)]
        public static extern int nvmlDeviceGetUtilizationRates(IntPtr device, out NvmlUtilization utilization);
    }
}

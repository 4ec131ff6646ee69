using System.Runtime.InteropServices;
using TorchSharp;

namespace FusionCluster.Evaluation.Models;

/// <summary>
/// Routes libtorch's CPU convolutions away from oneDNN (MKL-DNN) and NNPACK to its own im2col + GEMM kernel.
/// libtorch 2.10's oneDNN convolution backward reads memory it never wrote when computing the gradient with
/// respect to its input: with freed NaN-filled tensors left in the allocator, that gradient came back NaN in
/// 137 of 199 identical calls, so CNN trainings diverged at random (a NaN loss) or gave different weights for
/// the same seed. The forward pass and the weight and bias gradients were unaffected; with oneDNN off all
/// 199 calls agree bit for bit. TorchSharp has no switch for it, so this calls libtorch's own
/// <c>at::Context::setUserEnabledMkldnn</c> (what Python's <c>torch.backends.mkldnn.enabled = False</c> sets).
/// The setting is process-wide; <see cref="Apply"/> is cheap after the first call and safe from any thread.
/// </summary>
public static partial class TorchConvolutionKernels
{
    private static readonly Lazy<bool> Applied = new(Disable, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes every later CPU convolution in this process use libtorch's reference kernel.</summary>
    public static void Apply() => _ = Applied.Value;

    /// <summary>Whether libtorch would pick oneDNN for a CPU convolution now (false once <see cref="Apply"/> ran).</summary>
    public static bool OneDnnEnabled
    {
        get
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return Native.UserEnabledMkldnn(Native.GlobalContext());
        }
    }

    private static bool Disable()
    {
        // Loads libtorch through TorchSharp first, so the imports below bind to the copy it already loaded.
        torch.InitializeDeviceType(DeviceType.CPU);
        try
        {
            var context = Native.GlobalContext();
            Native.SetUserEnabledMkldnn(context, false);

            // NNPACK is the next candidate on CPUs it supports; off too, so every machine runs the same kernel.
            Native.SetUserEnabledNnpack(context, false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException(
                $"cannot switch libtorch's CPU convolutions to the reference kernel ({e.Message}); TorchSharp's libtorch_cpu must export "
                + "at::Context::setUserEnabledMkldnn and setUserEnabledNNPACK as libtorch 2.10 does. Without them, CNN trainings can diverge at random.", e);
        }

        return true;
    }

    private static partial class Native
    {
        private const string Library = "torch_cpu";

        [LibraryImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
        internal static partial IntPtr GlobalContext();

        [LibraryImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        internal static partial void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [LibraryImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static partial bool UserEnabledMkldnn(IntPtr context);

        [LibraryImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
        internal static partial void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
    }
}

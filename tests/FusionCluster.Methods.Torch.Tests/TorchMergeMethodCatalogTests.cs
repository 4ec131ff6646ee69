using FusionCluster.Core.Methods;

namespace FusionCluster.Methods.Torch.Tests;

public sealed class TorchMergeMethodCatalogTests
{
    private static readonly string[] TorchCovered = ["dare_linear", "dare_ties", "linear", "slerp", "task_arithmetic", "ties"];

    [Fact]
    public void Torch_backend_covers_the_six_methods()
    {
        Assert.Equal(TorchCovered, TorchMergeMethodCatalog.TorchMethods.Order(StringComparer.Ordinal));
        var catalog = new TorchMergeMethodCatalog(() => null);
        foreach (var name in TorchCovered)
        {
            var method = Assert.IsAssignableFrom<TorchMergeMethod>(catalog.Resolve(name, MergeDevices.TorchCpu));
            Assert.Equal(name, method.Name);
            Assert.Equal(MergeDevices.TorchCpu, method.Device);
            Assert.Equal(MergeMethodRegistry.Get(name).Parameters, method.Parameters);
            Assert.Equal(MergeDevices.Cuda, Assert.IsAssignableFrom<TorchMergeMethod>(catalog.Resolve(name, MergeDevices.Cuda)).Device);
            Assert.Null(catalog.FallbackNote(name, MergeDevices.Cuda));
        }
    }

    [Fact]
    public void Cpu_is_the_csharp_registry()
    {
        var catalog = new TorchMergeMethodCatalog(() => null);
        foreach (var name in MergeMethodRegistry.Names)
        {
            Assert.Same(MergeMethodRegistry.Get(name), catalog.Resolve(name, MergeDevices.Cpu));
            Assert.Null(catalog.FallbackNote(name, MergeDevices.Cpu));
        }
    }

    [Fact]
    public void Methods_without_a_torch_version_fall_back_to_the_csharp_kernel_with_a_note()
    {
        var catalog = new TorchMergeMethodCatalog(() => null);
        foreach (var name in MergeMethodRegistry.Names.Except(TorchCovered))
        {
            Assert.Same(MergeMethodRegistry.Get(name), catalog.Resolve(name, MergeDevices.TorchCpu));
            var note = catalog.FallbackNote(name, MergeDevices.Cuda);
            Assert.NotNull(note);
            Assert.Contains($"'{name}'", note);
            Assert.Contains("C# CPU kernels", note);
        }
    }

    [Fact]
    public void Cuda_where_it_cannot_run_is_a_device_error_with_the_reason()
    {
        var catalog = new TorchMergeMethodCatalog(() => "this host has no CUDA device");
        var e = Assert.Throws<MergeDeviceException>(() => catalog.Resolve("linear", MergeDevices.Cuda));
        Assert.Equal("device cuda: this host has no CUDA device", e.Message);
        // torch-cpu and cpu never need CUDA.
        Assert.IsAssignableFrom<TorchMergeMethod>(catalog.Resolve("linear", MergeDevices.TorchCpu));
    }

    [Fact]
    public void Unknown_and_unresolved_devices_are_errors()
    {
        var catalog = new TorchMergeMethodCatalog(() => null);
        Assert.Contains("expected auto, cpu or cuda", Assert.Throws<MergeDeviceException>(() => catalog.Resolve("linear", "tpu")).Message);
        Assert.Contains("must be resolved", Assert.Throws<MergeDeviceException>(() => catalog.Resolve("linear", MergeDevices.Auto)).Message);
        Assert.Throws<MergeMethodException>(() => catalog.Resolve("no_such_method", MergeDevices.TorchCpu));
    }

    [Fact]
    public void This_cpu_only_build_reports_cuda_unavailable_in_one_line()
    {
        // The CI and development hosts carry TorchSharp-cpu: CUDA is never available there.
        var reason = TorchDevices.CudaUnavailableReason();
        Assert.NotNull(reason);
        Assert.DoesNotContain('\n', reason);
        Assert.Contains("libtorch-cuda", reason);
        Assert.Equal(MergeDevices.Cpu, TorchDevices.ResolveAuto());
    }
}

using FusionCluster.Core.Methods;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>A job's device: resolved once from the workers' published devices, and cuda units only on cuda silos.</summary>
public sealed class JobDeviceTests : IDisposable
{
    private const string Spec = """
        merge_method: dare_ties
        base_model: base
        models:
          - model: ft-1
            parameters: {weight: 0.6, density: 0.5}
          - model: ft-2
            parameters: {weight: 0.4, density: 0.7}
        dtype: bfloat16
        """;

    private static readonly WorkerSilo CpuSilo = new("a", "silo-a", 2, MergeDevices.Cpu);
    private static readonly WorkerSilo CudaSilo = new("b", "silo-b", 2, MergeDevices.Cuda);

    private readonly string root = Directory.CreateTempSubdirectory("fusion-job-device-").FullName;

    public JobDeviceTests()
    {
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 128, Layers: 4, Vocab: 256, Heads: 4);
        SyntheticCheckpoint.Write(Path.Combine(root, "base"), shape, DType.BF16, baseSeed: 3, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(root, "ft-1"), shape, DType.BF16, baseSeed: 3, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(root, "ft-2"), shape, DType.BF16, baseSeed: 3, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Cpu_and_torch_cpu_run_anywhere_and_cuda_only_on_cuda_silos()
    {
        Assert.Equal(MergeDevices.Cpu, JobDevice.Resolve(MergeDevices.Cpu, [CpuSilo]));
        Assert.Equal(MergeDevices.TorchCpu, JobDevice.Resolve(MergeDevices.TorchCpu, [CpuSilo]));
        Assert.Equal(MergeDevices.Cuda, JobDevice.Resolve(MergeDevices.Cuda, [CpuSilo, CudaSilo]));
        Assert.True(JobDevice.CanRun(CudaSilo, MergeDevices.Cuda));
        Assert.False(JobDevice.CanRun(CpuSilo, MergeDevices.Cuda));
        Assert.True(JobDevice.CanRun(CudaSilo, MergeDevices.Cpu));
        Assert.True(JobDevice.CanRun(CpuSilo, MergeDevices.TorchCpu));
    }

    [Fact]
    public void Auto_is_cuda_only_when_every_worker_publishes_cuda()
    {
        Assert.Equal(MergeDevices.Cuda, JobDevice.Resolve(MergeDevices.Auto, [CudaSilo]));
        Assert.Equal(MergeDevices.Cpu, JobDevice.Resolve(MergeDevices.Auto, [CpuSilo, CudaSilo]));
        Assert.Equal(MergeDevices.Cpu, JobDevice.Resolve(MergeDevices.Auto, []));
    }

    [Fact]
    public void Cuda_without_a_cuda_worker_and_unknown_devices_are_errors_naming_what_was_seen()
    {
        var e = Assert.Throws<MergeDeviceException>(() => JobDevice.Resolve(MergeDevices.Cuda, [CpuSilo]));
        Assert.StartsWith("device cuda: no worker silo reports a CUDA device (silo-a=cpu)", e.Message, StringComparison.Ordinal);
        Assert.Contains("no worker silo is active", Assert.Throws<MergeDeviceException>(() => JobDevice.Resolve(MergeDevices.Cuda, [])).Message);
        Assert.Equal("device 'tpu': expected auto, cpu or cuda", Assert.Throws<MergeDeviceException>(() => JobDevice.Resolve("tpu", [CpuSilo])).Message);
    }

    [Fact]
    public async Task A_cuda_job_runs_only_on_silos_publishing_cuda_and_auto_stays_on_cpu_in_a_mixed_cluster()
    {
        await using var cluster = await WorkerCluster.StartAsync(
            unitSlots: 2,
            deviceOf: name => name == "Silo_0" ? MergeDevices.Cpu : MergeDevices.Cuda,
            methods: new CudaOnTheCpuCatalog());

        var cuda = await RunAsync(cluster, "job-cuda", MergeDevices.Cuda);
        Assert.True(cuda.State == JobState.Succeeded, cuda.Error);
        Assert.Equal(MergeDevices.Cuda, cuda.Device);
        Assert.DoesNotContain(cuda.Silos, s => s.Silo == "Silo_0");
        Assert.Equal(cuda.UnitsTotal, cuda.Silos.Sum(s => s.UnitsDone));

        var auto = await RunAsync(cluster, "job-auto", MergeDevices.Auto);
        Assert.True(auto.State == JobState.Succeeded, auto.Error);
        Assert.Equal(MergeDevices.Cpu, auto.Device);

        // dare_ties computes the same float32 operations in the same order on both backends.
        Assert.Equal(File.ReadAllBytes(Path.Combine(root, "job-cuda", "model.safetensors")), File.ReadAllBytes(Path.Combine(root, "job-auto", "model.safetensors")));
    }

    [Fact]
    public async Task A_cuda_job_on_a_cluster_without_cuda_fails_before_staging_anything()
    {
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1);

        var status = await RunAsync(cluster, "job-no-cuda", MergeDevices.Cuda);

        Assert.Equal(JobState.Failed, status.State);
        Assert.True(status.Error!.StartsWith("device cuda: no worker silo reports a CUDA device (Silo_0=cpu)", StringComparison.Ordinal), status.Error);
        Assert.False(Directory.Exists(Path.Combine(root, "job-no-cuda")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<JobStatus> RunAsync(InProcessTestCluster cluster, string jobId, string device)
    {
        var job = cluster.Client.GetGrain<IMergeJobGrain>(jobId);
        var status = await job.Start(new MergeRequest { SpecText = Spec, SpecDirectory = root, Output = Path.Combine(root, jobId), Seed = 11, Device = device });
        while (!status.IsFinished)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            status = await job.GetStatus();
        }

        return status;
    }
}

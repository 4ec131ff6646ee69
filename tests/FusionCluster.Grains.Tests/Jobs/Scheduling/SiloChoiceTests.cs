using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>Which silo takes the next unit: least loaded per slot, within its queue, able to run the device.</summary>
public sealed class SiloChoiceTests
{
    private static readonly WorkerSilo Small = new("key-1", "small", Slots: 1);
    private static readonly WorkerSilo Big = new("key-2", "big", Slots: 4);
    private static readonly WorkerSilo Gpu = new("key-3", "gpu", Slots: 2, Device: "cuda");

    [Fact]
    public void The_silo_with_the_fewest_units_per_slot_wins()
    {
        // small: 1 of 1 slot busy (1.0); big: 2 of 4 (0.5).
        var inFlight = new Dictionary<string, int> { ["key-1"] = 1, ["key-2"] = 2 };
        Assert.Equal(Big, SiloChoice.Pick([Small, Big], inFlight, "cpu", queueFactor: 2));
    }

    [Fact]
    public void Equal_load_goes_to_the_smaller_key()
    {
        Assert.Equal(Small, SiloChoice.Pick([Big, Small], new Dictionary<string, int>(), "cpu", queueFactor: 2));
    }

    [Fact]
    public void A_silo_holds_at_most_its_slots_times_the_queue_factor_rounded_up()
    {
        // 1 slot × 1.5 → 2 units; 1 slot × 1 → 1 unit.
        Assert.Equal(Small, SiloChoice.Pick([Small], new Dictionary<string, int> { ["key-1"] = 1 }, "cpu", queueFactor: 1.5));
        Assert.Null(SiloChoice.Pick([Small], new Dictionary<string, int> { ["key-1"] = 2 }, "cpu", queueFactor: 1.5));
        Assert.Null(SiloChoice.Pick([Small], new Dictionary<string, int> { ["key-1"] = 1 }, "cpu", queueFactor: 1));
    }

    [Fact]
    public void Cuda_jobs_go_only_to_cuda_silos_and_cpu_jobs_anywhere()
    {
        var idle = new Dictionary<string, int>();
        Assert.Equal(Gpu, SiloChoice.Pick([Small, Big, Gpu], idle, "cuda", queueFactor: 2));
        Assert.Null(SiloChoice.Pick([Small, Big], idle, "cuda", queueFactor: 2));
        var busyCpus = new Dictionary<string, int> { ["key-1"] = 1, ["key-2"] = 4 };
        Assert.Equal(Gpu, SiloChoice.Pick([Small, Big, Gpu], busyCpus, "cpu", queueFactor: 2));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace FusionCluster.Hosting.Tests;

public sealed class InProcessGrainStorageTests(EmbeddedSiloFixture silo) : IClassFixture<EmbeddedSiloFixture>
{
    private static readonly GrainId Grain = GrainId.Create("test-grain", "1");

    [Fact]
    public async Task Written_state_reads_back_as_an_equal_copy_under_the_writes_version()
    {
        var storage = silo.NewStorage();
        var written = new GrainState<List<string>>(["a", "b"]);
        await storage.WriteStateAsync("state", Grain, written);
        written.State!.Add("changed after the write");

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("state", Grain, read);

        Assert.Equal(["a", "b"], read.State);
        Assert.True(read.RecordExists);
        Assert.NotNull(read.ETag);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(written.RecordExists);
    }

    [Fact]
    public void The_embedded_silo_stores_grain_states_in_the_binary_format()
    {
        // Read by this process only, they need not be JSON for silos of an earlier version (GrainStateSerializer).
        var serializer = silo.Cluster.Services.GetRequiredService<IGrainStorageSerializer>();

        var stored = serializer.Serialize(new List<string> { "a", "b" });

        Assert.NotEqual((byte)'{', stored.ToMemory().Span[0]);
        Assert.Equal(["a", "b"], serializer.Deserialize<List<string>>(stored));
    }

    [Fact]
    public async Task Nothing_stored_reads_as_a_new_state_without_a_version()
    {
        var read = new GrainState<List<string>> { State = ["left over"], ETag = "stale", RecordExists = true };
        await silo.NewStorage().ReadStateAsync("state", Grain, read);

        Assert.Empty(read.State);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task States_are_kept_apart_by_name_and_grain()
    {
        var storage = silo.NewStorage();
        await storage.WriteStateAsync("state", Grain, new GrainState<List<string>>(["this grain"]));
        await storage.WriteStateAsync("other", Grain, new GrainState<List<string>>(["other state"]));
        await storage.WriteStateAsync("state", GrainId.Create("test-grain", "2"), new GrainState<List<string>>(["other grain"]));

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("state", Grain, read);
        Assert.Equal(["this grain"], read.State);
    }

    [Fact]
    public async Task A_write_or_clear_from_an_outdated_read_is_a_conflict_and_changes_nothing()
    {
        var storage = silo.NewStorage();
        var first = new GrainState<List<string>>(["first"]);
        await storage.WriteStateAsync("state", Grain, first);
        var outdated = new GrainState<List<string>>();
        await storage.ReadStateAsync("state", Grain, outdated);
        first.State = ["second"];
        await storage.WriteStateAsync("state", Grain, first);

        outdated.State = ["from the outdated read"];
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", Grain, outdated));
        Assert.Contains("state/test-grain/1", conflict.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", Grain, outdated));
        // Nor may a grain that never read it write over it, or a first write claim a version.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", Grain, new GrainState<List<string>>(["never read"])));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("state", GrainId.Create("test-grain", "new"), new GrainState<List<string>>(["x"], "made up")));

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("state", Grain, read);
        Assert.Equal(["second"], read.State);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task A_cleared_state_reads_as_new_and_can_be_written_again()
    {
        var storage = silo.NewStorage();
        var state = new GrainState<List<string>>(["kept"]);
        await storage.WriteStateAsync("state", Grain, state);
        await storage.ClearStateAsync("state", Grain, state);

        Assert.Empty(state.State!);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("state", Grain, read);
        Assert.False(read.RecordExists);

        state.State = ["again"];
        await storage.WriteStateAsync("state", Grain, state);
        await storage.ReadStateAsync("state", Grain, read);
        Assert.Equal(["again"], read.State);
    }
}

using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

public sealed class SweepOutputLayoutNameClashTests
{
    [Fact]
    public void Another_name_that_makes_the_same_id_is_refused_naming_both()
    {
        var clash = SweepOutputLayout.NameClash("/out", "my-sweep", "my-sweep", SweepOutputLayout.OwnerJson("my-sweep", "My Sweep"));

        Assert.Equal("out: /out holds the runs of sweep 'My Sweep', whose id 'my-sweep' the name 'my-sweep' makes too; give this sweep an out: of its own, or the name 'My Sweep' if it is the same sweep", clash);
    }

    [Theory]
    [InlineData("{\"sweep\":\"my-sweep\",\"name\":\"My Sweep\"}", "My Sweep")] // the same sweep again
    [InlineData("{\"sweep\":\"my-sweep\"}", "my-sweep")] // written before names were recorded
    [InlineData("{\"sweep\":\"other\",\"name\":\"Other\"}", "my-sweep")] // another id: the claim refuses it, saying so
    [InlineData("not json", "my-sweep")] // left to the claim
    public void The_same_name_an_owner_without_a_name_or_another_id_is_no_clash(string ownerJson, string name) =>
        Assert.Null(SweepOutputLayout.NameClash("/out", "my-sweep", name, ownerJson));

    [Fact]
    public void No_owner_file_is_no_clash() => Assert.Null(SweepOutputLayout.NameClash("/out", "my-sweep", "my-sweep", null));
}

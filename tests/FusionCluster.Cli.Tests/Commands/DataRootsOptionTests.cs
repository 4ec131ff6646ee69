using FusionCluster.Cli.Commands;

namespace FusionCluster.Cli.Tests.Commands;

public sealed class DataRootsOptionTests
{
    [Fact]
    public void Roots_come_from_the_option_and_from_both_spellings_of_the_environment_variable()
    {
        var environment = new Dictionary<string, string>
        {
            ["Fusion__Storage__LocalRoots"] = "/srv/a;/srv/b",
            ["Fusion__Storage__LocalRoots__0"] = "/srv/c",
            ["Fusion__Storage__LocalRoots__1"] = "/srv/d",
        };

        var roots = DataRootsOption.From(["/srv/e,/srv/f"], name => environment.GetValueOrDefault(name));

        Assert.Equal(["/srv/a", "/srv/b", "/srv/c", "/srv/d", "/srv/e", "/srv/f"], roots.Folders.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_the_option_or_the_environment_every_folder_is_allowed()
    {
        var roots = DataRootsOption.From([], _ => null);

        Assert.Empty(roots.Folders);
        Assert.Equal("/nonexistent-fusion-root/model", roots.Check("/nonexistent-fusion-root/model", "model folder"));
    }
}

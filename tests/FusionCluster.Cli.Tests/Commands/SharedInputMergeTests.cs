using FusionCluster.Cli.Commands;
using FusionCluster.Core.Storage;

namespace FusionCluster.Cli.Tests.Commands;

public sealed class SharedInputMergeTests
{
    [Theory]
    [InlineData("...yaml", "..")]
    [InlineData("..yaml", ".")]
    [InlineData(".yaml", "")]
    [InlineData(".fusion-staging.yaml", ".fusion-staging")]
    public void A_spec_whose_name_is_no_folder_of_its_own_under_out_dir_is_refused(string file, string name)
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine(file), "merge_method: linear\n");
        File.WriteAllText(temp.Combine("x.yaml"), "merge_method: linear\n");

        var (candidates, error) = SharedInputMerge.Candidates([new FileInfo(temp.Combine("x.yaml")), new FileInfo(temp.Combine(file))], temp.Combine("out"), LocalRoots.Anywhere);

        Assert.Null(candidates);
        Assert.Equal($"{temp.Combine(file)}: its output would be '{name}' under --out-dir, which is not a folder of its own there; rename the spec file", error);
    }
}

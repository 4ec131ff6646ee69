using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

public sealed class ModelPathTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("fc-modelpath-");

    public void Dispose() => this.dir.Delete(recursive: true);

    [Fact]
    public void Relative_paths_resolve_against_the_base_directory()
    {
        var model = this.dir.CreateSubdirectory("models").CreateSubdirectory("a");
        Assert.Equal(model.FullName, ModelPath.ResolveLocal("models/a", this.dir.FullName));
        Assert.Equal(model.FullName, ModelPath.ResolveLocal("./models/a/", this.dir.FullName));
        Assert.Equal(model.FullName, ModelPath.ResolveLocal("../" + this.dir.Name + "/models/a", this.dir.FullName));
    }

    [Fact]
    public void Absolute_paths_are_used_as_given()
    {
        var model = this.dir.CreateSubdirectory("abs");
        Assert.Equal(model.FullName, ModelPath.ResolveLocal(model.FullName, "/nonexistent-base"));
    }

    [Fact]
    public void A_hub_id_that_is_not_a_local_folder_is_explained()
    {
        var e = Assert.Throws<SpecException>(() => ModelPath.ResolveLocal("mistralai/Mistral-7B", this.dir.FullName));
        Assert.Equal("model 'mistralai/Mistral-7B' is not a local folder (FusionCluster does not download models; put a local path)", e.Message);
    }

    [Fact]
    public void A_hub_id_shaped_local_folder_is_accepted()
    {
        var model = this.dir.CreateSubdirectory("mistralai").CreateSubdirectory("Mistral-7B");
        Assert.Equal(model.FullName, ModelPath.ResolveLocal("mistralai/Mistral-7B", this.dir.FullName));
    }

    [Fact]
    public void Missing_folders_and_empty_names_are_rejected()
    {
        var e = Assert.Throws<SpecException>(() => ModelPath.ResolveLocal("./nope", this.dir.FullName));
        Assert.Equal($"model './nope': folder '{Path.Combine(this.dir.FullName, "nope")}' does not exist", e.Message);
        Assert.Throws<SpecException>(() => ModelPath.ResolveLocal(" ", this.dir.FullName));
        // A file is not a model folder.
        File.WriteAllText(Path.Combine(this.dir.FullName, "file"), "");
        Assert.Throws<SpecException>(() => ModelPath.ResolveLocal("file", this.dir.FullName));
    }

    [Theory]
    [InlineData("mistralai/Mistral-7B", true)]
    [InlineData("TheBloke/Llama-2-13B-fp16", true)]
    [InlineData("./models/a", false)]
    [InlineData("/abs/a", false)]
    [InlineData("a/b/c", false)]
    [InlineData("gpt2", false)]
    public void Hub_id_shape(string model, bool expected) => Assert.Equal(expected, ModelPath.LooksLikeHubId(model));
}

using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

public sealed class OutputOverInputTests
{
    [Fact]
    public void An_output_that_is_an_input_models_folder_is_refused_naming_the_model()
    {
        using var temp = new TempDirectory();
        var models = new Dictionary<string, string> { ["base"] = temp.Combine("base"), ["ft-1"] = temp.Combine("ft-1") };
        Directory.CreateDirectory(models["base"]);

        var error = Assert.Throws<StorageException>(() => OutputOverInput.Refuse(models, temp.Combine("base") + "/"));

        Assert.Contains("input model 'base'", error.Message, StringComparison.Ordinal);
        Assert.Contains("never an input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_to_an_input_is_that_input()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("models/ft-1"));
        Directory.CreateSymbolicLink(temp.Combine("out"), temp.Combine("models/ft-1"));
        var models = new Dictionary<string, string> { ["ft-1"] = temp.Combine("models/ft-1") };

        Assert.Contains("'ft-1'", Assert.Throws<StorageException>(() => OutputOverInput.Refuse(models, temp.Combine("out"))).Message, StringComparison.Ordinal);
        // And the other way round: the model given through a link, the output as the folder itself.
        Assert.Throws<StorageException>(() => OutputOverInput.Refuse(new Dictionary<string, string> { ["ft-1"] = temp.Combine("out") }, temp.Combine("models/ft-1")));
    }

    [Fact]
    public void An_input_whose_file_links_into_the_output_folder_is_refused_naming_the_link()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("blobs/nested"));
        Directory.CreateDirectory(temp.Combine("snapshot"));
        File.WriteAllText(temp.Combine("blobs/9f2c"), "weights");
        File.WriteAllText(temp.Combine("blobs/nested/config"), "{}");
        File.WriteAllText(temp.Combine("snapshot/README.md"), "a regular file");
        File.CreateSymbolicLink(temp.Combine("snapshot/config.json"), "../blobs/nested/config");
        File.CreateSymbolicLink(temp.Combine("snapshot/model.safetensors"), "../blobs/9f2c");
        var models = new Dictionary<string, string> { ["llama"] = temp.Combine("snapshot") };

        var error = Assert.Throws<StorageException>(() => OutputOverInput.Refuse(models, temp.Combine("blobs")));

        Assert.Contains("holds '9f2c', the file input model 'llama' reads through its link", error.Message, StringComparison.Ordinal);
        Assert.Contains(temp.Combine("snapshot/model.safetensors"), error.Message, StringComparison.Ordinal);
        // A link into a folder below the output, or beside it, is not what publishing replaces.
        OutputOverInput.Refuse(models, temp.Combine("blobs/nested/deeper"));
        OutputOverInput.Refuse(models, temp.Combine("merged"));
        File.Delete(temp.Combine("snapshot/model.safetensors"));
        OutputOverInput.Refuse(models, temp.Combine("blobs"));
    }

    [Fact]
    public void Folders_beside_inside_or_above_an_input_are_allowed()
    {
        using var temp = new TempDirectory();
        var models = new Dictionary<string, string> { ["base"] = temp.Combine("models/base") };
        Directory.CreateDirectory(models["base"]);

        OutputOverInput.Refuse(models, temp.Combine("models/merged"));
        OutputOverInput.Refuse(models, temp.Combine("models/base/merged"));
        OutputOverInput.Refuse(models, temp.Combine("models"));
        OutputOverInput.Refuse(models, temp.Combine("models/base-2"));
    }

    [Fact]
    public void A_blob_prefix_is_compared_as_written_less_its_trailing_slashes()
    {
        var models = new Dictionary<string, string> { ["base"] = "az://models/llama/base" };

        Assert.Throws<StorageException>(() => OutputOverInput.Refuse(models, "az://models/llama/base/"));
        OutputOverInput.Refuse(models, "az://models/llama/base-merged");
        OutputOverInput.Refuse(models, "az://merges/llama/base");
    }
}

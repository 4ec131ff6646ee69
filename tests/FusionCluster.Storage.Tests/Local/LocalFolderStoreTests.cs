using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>Names that reach the local store from specs, plans and other silos stay inside their roots.</summary>
public sealed class LocalFolderStoreTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Locations_inside_the_configured_roots_resolve_to_full_paths()
    {
        var root = temp.Folder("data");
        var models = Directory.CreateDirectory(Path.Combine(root, "models", "base")).FullName;
        File.WriteAllText(Path.Combine(models, "config.json"), "{}");
        var store = new LocalFolderStore([root]);

        Assert.Equal(models, store.Resolve("models/base", root, mustExist: true));
        Assert.Equal(Path.Combine(root, "out"), store.Resolve("./out/", root, mustExist: false));
        Assert.Equal(root, store.Resolve(root, "/elsewhere", mustExist: false));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("models/../../outside")]
    [InlineData("/etc")]
    [InlineData("/tmp")]
    public void Locations_that_escape_the_roots_are_refused(string location)
    {
        var root = temp.Folder("data");
        var store = new LocalFolderStore([root]);

        var error = Assert.Throws<StorageException>(() => store.Resolve(location, root, mustExist: false));
        Assert.Contains("is outside the configured data roots", error.Message, StringComparison.Ordinal);
        Assert.Throws<StorageException>(() => store.OpenOutput(Path.GetFullPath(Path.Combine(root, location)), "job"));
    }

    [Fact]
    public void A_model_outside_the_roots_is_refused_in_the_same_words_whether_or_not_its_folder_exists()
    {
        var root = temp.Folder("data");
        var existing = temp.Folder("private");
        var store = new LocalFolderStore([root]);

        var there = Assert.Throws<StorageException>(() => store.Resolve(existing, root, mustExist: true));
        var missing = Assert.Throws<StorageException>(() => store.Resolve(Path.Combine(Path.GetDirectoryName(existing)!, "nothing"), root, mustExist: true));

        // Before, a missing folder outside the roots was "folder ... does not exist" and an existing one "outside the roots":
        // a spec's author could learn which folders exist anywhere on the silo.
        Assert.Equal(there.Message.Replace("private", "nothing", StringComparison.Ordinal), missing.Message);
        Assert.Contains("is outside the configured data roots", missing.Message, StringComparison.Ordinal);
        Assert.Throws<Core.Specs.SpecException>(() => store.Resolve("models/none", root, mustExist: true));
    }

    [Fact]
    public void A_root_is_not_a_prefix_match_on_names()
    {
        var root = temp.Folder("data");
        var sibling = temp.Folder("data-evil");
        var store = new LocalFolderStore([root]);

        Assert.Throws<StorageException>(() => store.Resolve(sibling, root, mustExist: false));
    }

    [Fact]
    public void Without_roots_every_local_path_is_allowed_and_urls_are_not_handled()
    {
        var store = new LocalFolderStore();
        Assert.Equal("/tmp", store.Resolve("/tmp", "/", mustExist: false));
        Assert.True(store.Handles("relative/models"));
        Assert.False(store.Handles("az://models/base"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("with space")]
    public void Job_ids_that_would_leave_the_staging_folder_are_refused(string jobId)
    {
        var error = Assert.Throws<StorageException>(() => new LocalFolderStore().OpenOutput(temp.Path, jobId));
        Assert.Contains("job id", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../model.safetensors")]
    [InlineData("sub/model.safetensors")]
    [InlineData("..")]
    public void Shard_and_file_names_from_a_plan_must_be_plain_names(string name)
    {
        var output = new LocalFolderStore().OpenOutput(temp.Path, "job");
        var tensor = new TensorPlan
        {
            Name = "w",
            Kind = TensorKind.Copy,
            Shape = [1],
            OutputDType = DType.F32,
            ComputeDType = DType.F32,
            Inputs = [],
            ByteLength = 4,
            Offset = 8,
        };

        Assert.Throws<StorageException>(() => output.OpenTensor(name, tensor));
    }
}

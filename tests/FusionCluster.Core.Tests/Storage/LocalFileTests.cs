using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

/// <summary>
/// Weight files are memory-mapped through a handle opened on the very path the roots check resolved: a symlink
/// swapped in after the check (say between planning and a unit's read) is refused, never followed.
/// </summary>
public sealed class LocalFileTests
{
    private const string Header = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    [Fact]
    public void A_weight_file_swapped_for_a_link_after_the_roots_check_is_not_opened()
    {
        using var temp = new TempDirectory();
        var model = temp.Combine("data", "model");
        Directory.CreateDirectory(model);
        var weights = HandMadeSafetensors.Write(Path.Combine(model, "model.safetensors"), Header, HandMadeSafetensors.Floats(1, 2));
        var secret = HandMadeSafetensors.Write(temp.Combine("secret.safetensors"), Header, HandMadeSafetensors.Floats(7, 7));
        var resolved = new LocalRoots([temp.Combine("data")]).CheckFile(weights, "weight file");

        File.Delete(weights);
        File.CreateSymbolicLink(weights, secret);

        var error = Assert.Throws<StorageException>(() => LocalFile.OpenResolved(resolved, "weight file").Dispose());
        Assert.Contains($"weight file '{weights}' became a symlink after it was checked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_folder_swapped_for_a_link_after_the_roots_check_is_not_opened()
    {
        using var temp = new TempDirectory();
        var model = temp.Combine("data", "model");
        Directory.CreateDirectory(model);
        var weights = HandMadeSafetensors.Write(Path.Combine(model, "model.safetensors"), Header, HandMadeSafetensors.Floats(1, 2));
        Directory.CreateDirectory(temp.Combine("secret"));
        HandMadeSafetensors.Write(temp.Combine("secret", "model.safetensors"), Header, HandMadeSafetensors.Floats(7, 7));
        var resolved = new LocalRoots([temp.Combine("data")]).CheckFile(weights, "weight file");

        Directory.Delete(model, recursive: true);
        Directory.CreateSymbolicLink(model, temp.Combine("secret"));

        var error = Assert.Throws<StorageException>(() => LocalFile.OpenResolved(resolved, "weight file").Dispose());
        Assert.Contains($"now leads to '{temp.Combine("secret", "model.safetensors")}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_file_opened_inside_the_roots_is_read_through_its_handle_even_when_its_path_changes_later()
    {
        using var temp = new TempDirectory();
        var model = temp.Combine("data", "model");
        Directory.CreateDirectory(model);
        var weights = HandMadeSafetensors.Write(Path.Combine(model, "model.safetensors"), Header, HandMadeSafetensors.Floats(1, 2));
        var secret = HandMadeSafetensors.Write(temp.Combine("secret.safetensors"), Header, HandMadeSafetensors.Floats(7, 7));

        using var file = SafetensorsFile.Open(weights, new LocalRoots([temp.Combine("data")]));
        File.Move(weights, Path.Combine(model, "moved.safetensors"));
        File.CreateSymbolicLink(weights, secret);

        using var source = file.OpenTensor("w");
        var values = new float[2];
        source.Read(0, values);
        Assert.Equal([1f, 2f], values);
        // Opened again, the link is refused by the roots check.
        Assert.Throws<StorageException>(() => SafetensorsFile.Open(weights, new LocalRoots([temp.Combine("data")])).Dispose());
    }

    [Fact]
    public void A_missing_weight_file_is_a_checkpoint_error_naming_it()
    {
        using var temp = new TempDirectory();
        var missing = temp.Combine("data", "model.safetensors");

        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(missing, new LocalRoots([temp.Combine("data")])).Dispose());
        Assert.StartsWith($"{missing}: cannot open", error.Message, StringComparison.Ordinal);
    }
}

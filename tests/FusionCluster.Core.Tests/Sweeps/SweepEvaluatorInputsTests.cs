using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Tests.Sweeps;

public sealed class SweepEvaluatorInputsTests
{
    [Fact]
    public void A_missing_dataset_text_or_compared_model_is_named_by_its_key()
    {
        using var temp = new TempDirectory();
        var roots = new LocalRoots([temp.Path]);
        Directory.CreateDirectory(temp.Combine("ft-1"));
        File.WriteAllText(temp.Combine("digits.fcds"), "x");

        var dataset = Assert.Throws<SpecException>(() => SweepEvaluatorInputs.CheckExist(Evaluator(accuracy: temp.Combine("none.fcds")), roots));
        var folderAsDataset = Assert.Throws<SpecException>(() => SweepEvaluatorInputs.CheckExist(Evaluator(accuracy: temp.Combine("ft-1")), roots));
        var compared = Assert.Throws<SpecException>(() => SweepEvaluatorInputs.CheckExist(Evaluator(compare: temp.Combine("ft-9")), roots));
        var text = Assert.Throws<SpecException>(() => SweepEvaluatorInputs.CheckExist(Evaluator(text: temp.Combine("held-out.txt")), roots));
        SweepEvaluatorInputs.CheckExist(Evaluator(accuracy: temp.Combine("digits.fcds"), compare: temp.Combine("ft-1")), roots);

        Assert.Equal($"evaluator.accuracy.dataset: {temp.Combine("none.fcds")}: no such dataset file", dataset.Message);
        Assert.Equal($"evaluator.accuracy.dataset: {temp.Combine("ft-1")} is a folder, not a dataset file", folderAsDataset.Message);
        Assert.Equal($"evaluator.tensors.compare[0] 'm': {temp.Combine("ft-9")}: no such model folder", compared.Message);
        Assert.Equal($"evaluator.perplexity.text: {temp.Combine("held-out.txt")}: no such text file", text.Message);
    }

    [Fact]
    public void A_path_outside_the_roots_is_refused_as_such_whether_or_not_it_exists()
    {
        using var temp = new TempDirectory();
        var roots = new LocalRoots([temp.Combine("data")]);
        Directory.CreateDirectory(temp.Combine("data"));
        Directory.CreateDirectory(temp.Combine("private"));

        var existing = Assert.Throws<StorageException>(() => SweepEvaluatorInputs.CheckExist(Evaluator(compare: temp.Combine("private")), roots));
        var missing = Assert.Throws<StorageException>(() => SweepEvaluatorInputs.CheckExist(Evaluator(compare: temp.Combine("nothing")), roots));

        // The same words either way: a sweep's error must not tell whether a file outside the roots exists.
        Assert.Equal(existing.Message.Replace("private", "nothing", StringComparison.Ordinal), missing.Message);
        Assert.Contains("outside the configured data roots", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Existence_is_asked_where_the_check_resolved_the_path_not_where_its_text_leads()
    {
        // data/hop -> data/sub/deep: "data/hop/../x" is data/sub/x to the roots check (the kernel's '..' after a link),
        // while its text collapses to data/x, a link to a file outside the roots that exists. Asking the text would find it.
        using var temp = new TempDirectory();
        var roots = new LocalRoots([temp.Combine("data")]);
        Directory.CreateDirectory(temp.Combine("data", "sub", "deep"));
        Directory.CreateDirectory(temp.Combine("outside"));
        File.WriteAllText(temp.Combine("outside", "secret.fcds"), "x");
        Directory.CreateSymbolicLink(temp.Combine("data", "hop"), temp.Combine("data", "sub", "deep"));
        File.CreateSymbolicLink(temp.Combine("data", "x"), temp.Combine("outside", "secret.fcds"));
        var path = temp.Combine("data", "hop", "..", "x");

        var error = Assert.Throws<SpecException>(() => SweepEvaluatorInputs.CheckExist(Evaluator(accuracy: path), roots));

        Assert.Equal($"evaluator.accuracy.dataset: {path}: no such dataset file", error.Message);
    }

    private static SweepEvaluatorSpec Evaluator(string? accuracy = null, string? compare = null, string? text = null) => new(
        accuracy is null ? null : new AccuracyEvaluatorSpec(accuracy, "held-out", null),
        compare is null ? null : new TensorEvaluatorSpec([new("m", compare)], null),
        null,
        text is null ? null : new PerplexityEvaluatorSpec(text, null));
}

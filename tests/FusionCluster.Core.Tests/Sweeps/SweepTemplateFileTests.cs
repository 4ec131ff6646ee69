using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Tests.Sweeps;

/// <summary>
/// A sweep's <c>template: &lt;file&gt;</c> is read like every other local file: only inside the data roots, and only a
/// regular file, so a sweep typed on the dashboard or sent to a silo cannot make it read /dev/zero until it runs out of
/// memory, block on a FIFO, or read (or probe) a file outside its roots.
/// </summary>
public sealed class SweepTemplateFileTests : IDisposable
{
    private const string MergeSpec = """
        merge_method: task_arithmetic
        base_model: base
        models:
          - model: ft-1
            parameters: {weight: 0.5}
          - model: ft-2
            parameters: {weight: 0.5}
        """;

    private readonly TempDirectory temp = new("fusion-sweep-template-");

    public SweepTemplateFileTests()
    {
        Directory.CreateDirectory(temp.Combine("data"));
        Directory.CreateDirectory(temp.Combine("elsewhere"));
    }

    private LocalRoots Roots => new([temp.Combine("data")]);

    [Fact]
    public async Task A_template_that_is_dev_zero_is_refused_promptly_naming_the_line_and_the_file()
    {
        // /dev/zero has length 0, so a size check on FileInfo.Length alone let ReadAllText grow until memory ran out.
        var error = await Assert.ThrowsAsync<SpecException>(() => Promptly.RunAsync(() => Parse("/dev/zero", LocalRoots.Anywhere)));

        Assert.StartsWith("sweep.yaml line 1: template: cannot read the merge spec '/dev/zero'", error.Message, StringComparison.Ordinal);
        Assert.Contains("a kernel or device file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_that_is_a_fifo_is_refused_promptly_naming_the_line_and_the_file()
    {
        var fifo = Fifo.Create(temp.Combine("data", "template.yaml"));

        // Opening a FIFO with no writer blocks; the reader must refuse it instead, with or without roots.
        foreach (var roots in new[] { LocalRoots.Anywhere, Roots })
        {
            var error = await Assert.ThrowsAsync<SpecException>(() => Promptly.RunAsync(() => Parse(fifo, roots)));

            Assert.StartsWith($"sweep.yaml line 1: template: cannot read the merge spec '{fifo}'", error.Message, StringComparison.Ordinal);
            Assert.EndsWith($"merge spec '{fifo}' is not a regular file (a device, pipe, socket or folder)", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_data_roots_a_template_outside_them_is_refused_naming_the_line_and_the_file()
    {
        var outside = temp.Combine("elsewhere", "template.yaml");
        await File.WriteAllTextAsync(outside, MergeSpec, TestContext.Current.CancellationToken);

        var error = Assert.Throws<SpecException>(() => Parse(outside, Roots));

        Assert.StartsWith($"sweep.yaml line 1: template: cannot read the merge spec '{outside}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"merge spec '{outside}' is outside the configured data roots ({temp.Combine("data")})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_data_roots_a_template_linked_from_inside_to_outside_them_is_refused()
    {
        var outside = temp.Combine("elsewhere", "template.yaml");
        await File.WriteAllTextAsync(outside, MergeSpec, TestContext.Current.CancellationToken);
        var link = temp.Combine("data", "template.yaml");
        File.CreateSymbolicLink(link, outside);

        var error = Assert.Throws<SpecException>(() => Parse(link, Roots));

        Assert.Contains($"merge spec '{link}' (through a symlink it is '{outside}') is outside the configured data roots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_data_roots_a_template_inside_them_is_read_and_a_missing_one_names_the_file()
    {
        var inside = temp.Combine("data", "template.yaml");
        await File.WriteAllTextAsync(inside, MergeSpec, TestContext.Current.CancellationToken);

        var spec = Parse(inside, Roots);

        Assert.Equal(["base", "ft-1", "ft-2"], Assert.Single(spec.Candidates()).Spec.AllModels());
        Assert.Equal(temp.Combine("data"), spec.MergeTemplate.Directory);
        var missing = temp.Combine("data", "missing.yaml");
        Assert.StartsWith($"sweep.yaml line 1: template: cannot read the merge spec '{missing}'", Assert.Throws<SpecException>(() => Parse(missing, Roots)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();

    private SweepSpec Parse(string template, LocalRoots roots) => SweepSpecParser.Parse(
        $$"""
        template: {{template}}
        space:
          grid:
            models[0].parameters.weight: [1]
        evaluator:
          accuracy: {dataset: digits.fcds}
        objective: {metric: accuracy}
        out: out
        """,
        "sweep.yaml",
        temp.Combine("data"),
        roots);
}

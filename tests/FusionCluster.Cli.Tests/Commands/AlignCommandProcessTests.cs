using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>Runs the real <c>fusion align</c> as a child process on a small classifier whose hidden units were shuffled by hand.</summary>
public sealed class AlignCommandProcessTests
{
    private const int Inputs = 6;
    private const int Hidden = 12;
    private const int Outputs = 3;

    [Fact]
    public async Task Align_writes_the_permuted_model_its_files_and_permutations_json()
    {
        using var temp = new TempDirectory();
        var (reference, shuffle) = WriteModelAndShuffledCopy(temp);

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("align", reference, temp.Combine("shuffled"), "--out", temp.Combine("aligned"), "--seed", "3");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        Assert.Contains("layers.0.out", stdout, StringComparison.Ordinal);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine("aligned", "permutations.json"), TestContext.Current.CancellationToken))!;
        Assert.Equal("weight_matching", report["method"]!.GetValue<string>());
        Assert.True(report["converged"]!.GetValue<bool>());
        var group = report["groups"]!["layers.0.out"]!;
        // The copy's unit u is the original's shuffle[u], so aligned unit v must be read from the copy's unit u with shuffle[u] = v.
        var expected = new int[Hidden];
        for (var u = 0; u < Hidden; u++)
        {
            expected[shuffle[u]] = u;
        }

        Assert.Equal(expected, group["permutation"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal(shuffle.Where((from, to) => from != to).Count(), group["units_moved"]!.GetValue<int>());
        Assert.True(group["objective_after"]!.GetValue<double>() > group["objective_before"]!.GetValue<double>());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(reference, "model.safetensors"), TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(temp.Combine("aligned", "model.safetensors"), TestContext.Current.CancellationToken));
        Assert.True(File.Exists(temp.Combine("aligned", "config.json")) && File.Exists(temp.Combine("aligned", "tokenizer.json")));
    }

    [Fact]
    public async Task A_permutation_spec_that_misses_a_tensor_fails_with_one_line_naming_it()
    {
        using var temp = new TempDirectory();
        var (reference, _) = WriteModelAndShuffledCopy(temp);
        var spec = temp.Combine("spec.yaml");
        await File.WriteAllTextAsync(spec, "permutation_spec:\n  tensors:\n    layers.0.weight: [h, null]\n    layers.0.bias: [h]\n    layers.1.weight: [null, h]\n", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("align", reference, temp.Combine("shuffled"), "--out", temp.Combine("aligned"), "--permutation-spec", spec);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("fusion: error: ", line, StringComparison.Ordinal);
        Assert.Contains("'layers.1.bias' is not covered", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_where_no_folder_can_be_made_is_one_line_before_any_matching()
    {
        // /sys refuses new folders even to root. Before, the permutations were found and writing them failed with
        // "Access to the path '/sys/fusion-aligned' is denied."
        Assert.SkipUnless(Directory.Exists("/sys/kernel"), "/sys is not mounted here");
        using var temp = new TempDirectory();
        var (reference, _) = WriteModelAndShuffledCopy(temp);

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("align", reference, temp.Combine("shuffled"), "--out", "/sys/fusion-aligned", "--verbose");

        Assert.NotEqual(0, exitCode);
        Assert.Equal("fusion: error: --out '/sys/fusion-aligned' cannot be made: no folder can be created in '/sys' (permission denied)", stderr.Trim());
        Assert.DoesNotContain("sweep", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_that_links_to_an_input_is_refused_even_with_overwrite_and_the_input_is_kept()
    {
        using var temp = new TempDirectory();
        var (reference, _) = WriteModelAndShuffledCopy(temp);
        var shuffled = temp.Combine("shuffled");
        Directory.CreateSymbolicLink(temp.Combine("link"), shuffled);
        var before = Directory.EnumerateFileSystemEntries(shuffled).Order(StringComparer.Ordinal).ToList();
        var weights = await File.ReadAllBytesAsync(Path.Combine(shuffled, "model.safetensors"), TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("align", reference, shuffled, "--out", temp.Combine("link"), "--overwrite");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("is where input model 'model' is read from", stderr, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(shuffled).Order(StringComparer.Ordinal));
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(shuffled, "model.safetensors"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_model_with_a_nan_weight_fails_with_one_line_naming_the_models_and_the_tensor()
    {
        using var temp = new TempDirectory();
        var (reference, _) = WriteModelAndShuffledCopy(temp);
        var weights = temp.Combine("shuffled", "model.safetensors");
        var bytes = await File.ReadAllBytesAsync(weights, TestContext.Current.CancellationToken);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var start = JsonNode.Parse(bytes.AsSpan(8, headerLength))!["layers.0.weight"]!["data_offsets"]![0]!.GetValue<int>();
        BitConverter.GetBytes(float.NaN).CopyTo(bytes, 8 + headerLength + start + (4 * 7));
        await File.WriteAllBytesAsync(weights, bytes, TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("align", reference, temp.Combine("shuffled"), "--out", temp.Combine("aligned"));

        // The assignment solver's own "similarities must be finite" came out as an unhandled exception with its stack.
        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("fusion: error: weight matching of layers.0.out: ", line, StringComparison.Ordinal);
        Assert.Contains(" holds a NaN or infinite value in ", line, StringComparison.Ordinal);
        Assert.Contains("layers.0.weight", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("aligned")));
    }

    [Fact]
    public async Task Models_of_two_widths_fail_with_one_line_saying_how_their_shapes_differ()
    {
        using var temp = new TempDirectory();
        var (reference, _) = WriteModelAndShuffledCopy(temp);
        const int wider = Hidden + 4;
        Write(temp.Combine("wide"), new float[wider * Inputs], new float[wider], new float[Outputs * wider], new float[Outputs], wider);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("align", reference, temp.Combine("wide"), "--out", temp.Combine("aligned"));

        // Before: the reference's "layers.0.bias axis 0 has 12 entries, but group 'layers.0.out' has 16 units", blaming it.
        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Matches(@"^fusion: error: tensor 'layers\.0\.bias' is \[12\] in .*reference.* but \[16\] in .*wide", line);
        Assert.False(Directory.Exists(temp.Combine("aligned")));
    }

    /// <summary>A 6-12-3 MLP with random weights, and a copy whose unit u of the hidden layer is the original's unit shuffle[u].</summary>
    internal static (string Reference, int[] Shuffle) WriteModelAndShuffledCopy(TempDirectory temp)
    {
        var random = new Random(5);
        float[] Random(int count) => Enumerable.Range(0, count).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var w0 = Random(Hidden * Inputs);
        var b0 = Random(Hidden);
        var w1 = Random(Outputs * Hidden);
        var b1 = Random(Outputs);
        var shuffle = Enumerable.Range(0, Hidden).ToArray();
        random.Shuffle(shuffle);

        var sw0 = new float[w0.Length];
        var sb0 = new float[b0.Length];
        var sw1 = new float[w1.Length];
        for (var u = 0; u < Hidden; u++)
        {
            Array.Copy(w0, shuffle[u] * Inputs, sw0, u * Inputs, Inputs);
            sb0[u] = b0[shuffle[u]];
            for (var o = 0; o < Outputs; o++)
            {
                sw1[(o * Hidden) + u] = w1[(o * Hidden) + shuffle[u]];
            }
        }

        Write(temp.Combine("reference"), w0, b0, w1, b1);
        Write(temp.Combine("shuffled"), sw0, sb0, sw1, b1);
        return (temp.Combine("reference"), shuffle);
    }

    private static void Write(string folder, float[] w0, float[] b0, float[] w1, float[] b1, int hidden = Hidden)
    {
        Directory.CreateDirectory(folder);
        var tensors = new (string Name, long[] Shape, float[] Values)[]
        {
            ("layers.0.weight", [hidden, Inputs], w0),
            ("layers.0.bias", [hidden], b0),
            ("layers.1.weight", [Outputs, hidden], w1),
            ("layers.1.bias", [Outputs], b1),
        };
        var layout = SafetensorsLayout.Compute(tensors.Select(t => new TensorDescriptor(t.Name, DType.F32, t.Shape)).ToList());
        using (var writer = SafetensorsWriter.Create(Path.Combine(folder, "model.safetensors"), layout))
        {
            foreach (var (name, _, values) in tensors)
            {
                var bytes = new byte[values.Length * 4];
                DTypeCodec.Encode(DType.F32, values, bytes);
                writer.WriteRaw(name, 0, bytes);
            }
        }

        File.WriteAllText(Path.Combine(folder, "config.json"), """{"model_type": "fusion-mnist-mlp", "input_shape": [1, 2, 3], "hidden_sizes": [12], "num_labels": 3}""");
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{}");
    }
}

using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Methods.Kernels;

public sealed class ElementwiseCandidatesTests
{
    /// <summary>Odd sizes: one element, less than a vector, a chunk and a bit, several chunks with a ragged tail.</summary>
    private static readonly int[] Sizes = [1, 7, 4099, 3 * 4096 + 37];

    private const int Chunk = 4096;

    /// <summary>Whole chunks, and blocks at odd offsets ending in a ragged one.</summary>
    private static readonly int[] Blocks = [Chunk, 37];

    public static TheoryData<string, DType> Cases => new()
    {
        { "linear", DType.F32 },
        { "linear", DType.BF16 },
        { "task_arithmetic", DType.F32 },
        { "task_arithmetic", DType.BF16 },
        { "ties", DType.F32 },
        { "ties", DType.BF16 },
        { "dare_linear", DType.BF16 },
        { "della", DType.BF16 },
        { "nearswap", DType.F32 },
        { "nearswap", DType.BF16 },
        { "passthrough", DType.BF16 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_candidate_equals_merging_it_alone_bit_for_bit(string methodName, DType dtype) =>
        AssertEveryCandidateEqualsMergingItAlone(methodName, dtype, lending: false);

    /// <summary>
    /// A scoring job's inputs lend their chunks (<see cref="ChunkSharingSource"/>, shared with its scorer): the candidates
    /// read them where they are, and take the task deltas into buffers of their own, so the lenders' values stay the inputs'.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_candidate_equals_merging_it_alone_when_its_inputs_lend_their_chunks(string methodName, DType dtype) =>
        AssertEveryCandidateEqualsMergingItAlone(methodName, dtype, lending: true);

    private static void AssertEveryCandidateEqualsMergingItAlone(string methodName, DType dtype, bool lending)
    {
        var method = MergeMethodRegistry.Get(methodName);
        var candidates = CandidateParameters(methodName);
        foreach (var size in Sizes)
        {
            var baseValues = InDType(MethodHarness.Random(size, seed: size, scale: 0.05f), dtype);
            var models = Enumerable.Range(0, candidates[0].Weights.Length)
                .Select(i => InDType(Add(baseValues, MethodHarness.Random(size, seed: 100 * size + i, scale: 0.01f)), dtype)).ToArray();
            var shared = Sources(baseValues, models);
            if (lending)
            {
                shared = (new ChunkSharingSource(shared.Base!), shared.Models.Select(m => (TensorSource)new ChunkSharingSource(m)).ToArray());
            }

            var contexts = candidates.Select(c => Context(method, shared, c.Global, c.Weights, new ArrayTensorSink(size))).ToList();
            var fast = ElementwiseCandidates.TryCreate(method, contexts);
            Assert.NotNull(fast);
            var fastOutputs = Blocks.Select(block => candidates.Select(candidate => new float[size]).ToArray()).ToArray();
            var scratch = new float[Chunk * fast.ScratchBlocks];
            long next = 0;
            fast.ForEachChunk((start, length) =>
            {
                Assert.Equal(next, start);
                next += length;
                for (var b = 0; b < Blocks.Length; b++)
                {
                    for (var k = 0; k < candidates.Count; k++)
                    {
                        for (var offset = 0; offset < length; offset += Blocks[b])
                        {
                            var n = Math.Min(Blocks[b], length - offset);
                            fast.Compute(k, offset, fastOutputs[b][k].AsSpan((int)start + offset, n), scratch);
                        }
                    }
                }

                if (lending)
                {
                    // What the scorer reads next from the same lenders: the inputs, not the deltas.
                    Assert.Equal(baseValues.AsSpan((int)start, length).ToArray(), ((IChunkLender)shared.Base!).Lend(start, length).ToArray());
                    for (var m = 0; m < models.Length; m++)
                    {
                        Assert.Equal(models[m].AsSpan((int)start, length).ToArray(), ((IChunkLender)shared.Models[m]).Lend(start, length).ToArray());
                    }
                }
            }, TestContext.Current.CancellationToken);
            Assert.Equal(size, next);

            for (var k = 0; k < candidates.Count; k++)
            {
                // Merged alone, on sources of its own.
                var alone = new ArrayTensorSink(size);
                method.Merge(Context(method, Sources(baseValues, models), candidates[k].Global, candidates[k].Weights, alone));
                foreach (var outputs in fastOutputs)
                {
                    Assert.Equal(Encode(alone.Values, dtype), Encode(outputs[k], dtype));
                }
            }
        }
    }

    /// <summary>
    /// What a scoring job computes for bf16 outputs: each value as the candidate merged alone and written in bf16 reads
    /// back. Task arithmetic of two models rounds in its own pass; other model counts and methods round afterwards.
    /// </summary>
    [Theory]
    [InlineData("task_arithmetic", 2)]
    [InlineData("task_arithmetic", 3)]
    [InlineData("ties", 2)]
    [InlineData("linear", 2)]
    public void Computed_through_bf16_each_value_is_what_merging_alone_writes_in_bf16(string methodName, int modelCount)
    {
        var method = MergeMethodRegistry.Get(methodName);
        var candidates = CandidateParameters(methodName).Select(c => (c.Global, Weights: c.Weights[..modelCount])).ToList();
        foreach (var size in Sizes)
        {
            var baseValues = InDType(MethodHarness.Random(size, seed: size, scale: 0.05f), DType.BF16);
            var models = Enumerable.Range(0, modelCount)
                .Select(i => InDType(Add(baseValues, MethodHarness.Random(size, seed: 100 * size + i, scale: 0.01f)), DType.BF16)).ToArray();
            var shared = Sources(baseValues, models);
            var fast = ElementwiseCandidates.TryCreate(method, candidates.Select(c => Context(method, shared, c.Global, c.Weights, new ArrayTensorSink(size))).ToList());
            Assert.NotNull(fast);
            var outputs = candidates.Select(_ => new float[size]).ToArray();
            var unrounded = candidates.Select(_ => new float[size]).ToArray();
            var scratch = new float[Chunk * fast.ScratchBlocks];
            fast.ForEachChunk(
                (start, length) =>
                {
                    for (var k = 0; k < candidates.Count; k++)
                    {
                        Assert.True(fast.ComputeThroughBFloat16(k, 0, outputs[k].AsSpan((int)start, length), scratch));
                        fast.Compute(k, 0, unrounded[k].AsSpan((int)start, length), scratch);
                    }
                },
                TestContext.Current.CancellationToken);

            for (var k = 0; k < candidates.Count; k++)
            {
                var alone = new ArrayTensorSink(size);
                method.Merge(Context(method, Sources(baseValues, models), candidates[k].Global, candidates[k].Weights, alone));
                Assert.Equal(alone.Values, unrounded[k]);
                Assert.Equal(InDType(alone.Values, DType.BF16), outputs[k]);
            }
        }
    }

    [Theory]
    [InlineData(3, float.PositiveInfinity, 1)] // before the two-model pass's first whole vector ends
    [InlineData(40, float.PositiveInfinity, 1)] // in its second vector
    [InlineData(4097, float.PositiveInfinity, 1)] // after it, in the values rounded afterwards
    [InlineData(40, float.NegativeInfinity, 0.5)] // weighted models: the pass multiplies
    [InlineData(40, float.NaN, 0.5)]
    [InlineData(4097, float.NaN, 0.5)]
    public void A_value_not_finite_before_rounding_through_bf16_is_reported(int at, float value, double weight)
    {
        var method = MergeMethodRegistry.Get("task_arithmetic");
        const int Size = 4099;
        var baseValues = new float[Size];
        var models = new[] { new float[Size], new float[Size] };
        models[1][at] = value;
        var shared = Sources(baseValues, models);
        var fast = ElementwiseCandidates.TryCreate(method, [Context(method, shared, new(), [weight, weight], new ArrayTensorSink(Size))]);
        Assert.NotNull(fast);
        var output = new float[Size];
        var finite = new List<bool>();
        fast.ForEachChunk((start, length) => finite.Add(fast.ComputeThroughBFloat16(0, 0, output.AsSpan((int)start, length), new float[length])), TestContext.Current.CancellationToken);

        Assert.Equal(new[] { at < Chunk, at >= Chunk }, finite.Select(f => !f));
    }

    /// <summary>
    /// A finite value above bf16's largest rounds to infinity, as writing it in bf16 does (the rounding carries into the
    /// exponent); it was finite before rounding, so it is no reason to leave the fast path. The largest value below the
    /// halfway point stays the largest bf16.
    /// </summary>
    [Theory]
    [InlineData(3.4e38f, float.PositiveInfinity)]
    [InlineData(-3.4e38f, float.NegativeInfinity)]
    [InlineData(3.3961e38f, 3.38953139e38f)] // bf16's largest, 0x7F7F
    public void A_finite_value_rounds_through_bf16_as_writing_it_does(float value, float expected)
    {
        var method = MergeMethodRegistry.Get("task_arithmetic");
        const int Size = 40;
        var models = new[] { new float[Size], new float[Size] };
        models[0][20] = value;
        var fast = ElementwiseCandidates.TryCreate(method, [Context(method, Sources(new float[Size], models), new(), [1, 1], new ArrayTensorSink(Size))]);
        Assert.NotNull(fast);
        var output = new float[Size];
        var finite = true;
        fast.ForEachChunk((start, length) => finite &= fast.ComputeThroughBFloat16(0, 0, output.AsSpan((int)start, length), new float[length]), TestContext.Current.CancellationToken);

        Assert.True(finite);
        Assert.Equal(expected, output[20]);
        Assert.Equal(expected, InDType([value], DType.BF16)[0]);
    }

    [Fact]
    public void Values_outside_the_chunk_being_consumed_are_refused()
    {
        var method = MergeMethodRegistry.Get("linear");
        var values = MethodHarness.Random(16, seed: 1);
        var fast = ElementwiseCandidates.TryCreate(method, [Context(method, Sources(null, [values, values]), new(), [1, 2], new ArrayTensorSink(16))]);
        Assert.NotNull(fast);
        Assert.Throws<ArgumentException>(() => fast.Compute(0, 0, new float[4], new float[4]));
        fast.ForEachChunk((_, length) =>
        {
            Assert.Throws<ArgumentException>(() => fast.Compute(0, length - 3, new float[4], new float[4]));
            Assert.Throws<ArgumentException>(() => fast.Compute(0, 0, new float[4], new float[3]));
        }, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Sign_consensus_needs_a_scratch_block_per_model()
    {
        var method = MergeMethodRegistry.Get("ties");
        var values = MethodHarness.Random(16, seed: 1);
        var fast = ElementwiseCandidates.TryCreate(method, [Context(method, Sources(values, [values, values, values]), new(), [1, 1, 1], new ArrayTensorSink(16))]);
        Assert.NotNull(fast);
        Assert.Equal(3, fast.ScratchBlocks);
        fast.ForEachChunk((_, _) =>
        {
            Assert.Throws<ArgumentException>(() => fast.Compute(0, 0, new float[4], new float[11]));
            fast.Compute(0, 0, new float[4], new float[12]);
        }, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("ties", 0.5)]
    [InlineData("dare_ties", 0.5)]
    [InlineData("della", 0.5)]
    [InlineData("breadcrumbs", 0.9)]
    [InlineData("slerp", 1)]
    [InlineData("model_stock", 1)]
    public void Methods_whose_elements_depend_on_other_elements_take_the_ordinary_path(string methodName, double density)
    {
        var values = MethodHarness.Random(16, seed: 1);
        var shared = Sources(values, [values, values]);
        var method = MergeMethodRegistry.Get(methodName);
        var contexts = new[] { Context(method, shared, new() { ["t"] = 0.5 }, [1, 1], new ArrayTensorSink(16), density) };
        Assert.Null(ElementwiseCandidates.TryCreate(method, contexts));
    }

    [Fact]
    public void Candidates_reading_different_models_take_the_ordinary_path()
    {
        var method = MergeMethodRegistry.Get("linear");
        var values = MethodHarness.Random(16, seed: 1);
        var a = Context(method, Sources(null, [values, values]), new(), [1, 2], new ArrayTensorSink(16));
        var other = Sources(null, [values]);
        var b = Context(method, other, new(), [1], new ArrayTensorSink(16));
        Assert.Null(ElementwiseCandidates.TryCreate(method, [a, b]));
    }

    [Fact]
    public void A_candidate_missing_a_weight_leaves_its_error_to_the_ordinary_path()
    {
        var method = MergeMethodRegistry.Get("task_arithmetic");
        var values = MethodHarness.Random(16, seed: 1);
        var shared = Sources(values, [values, values]);
        var good = Context(method, shared, new(), [1, 2], new ArrayTensorSink(16));
        var missing = Context(method, shared, new(), [1, 2], new ArrayTensorSink(16));
        missing = new MergeTensorContext
        {
            TensorName = missing.TensorName,
            Shape = missing.Shape,
            Base = missing.Base,
            BaseModel = missing.BaseModel,
            Models = [missing.Models[0], missing.Models[1] with { Parameters = new Dictionary<string, double>() }],
            Parameters = missing.Parameters,
            ChunkElements = missing.ChunkElements,
            Output = missing.Output,
        };
        Assert.Null(ElementwiseCandidates.TryCreate(method, [good, missing]));
        Assert.Throws<MergeMethodException>(() => method.Merge(missing));
    }

    /// <summary>Per candidate, the global parameters and each model's weight (also its scale; one weight: one model).</summary>
    private static List<(Dictionary<string, double> Global, double[] Weights)> CandidateParameters(string method) => method switch
    {
        "linear" => [(new() { ["normalize"] = 1 }, [0.3, 0.5, 0.2]), (new() { ["normalize"] = 1 }, [1, 3, 7]), (new() { ["normalize"] = 0 }, [0.7, -0.1, 1]), (new() { ["normalize"] = 0 }, [1, 1, 1])],
        // t from below to above the deltas' scale (0.01): every element from all-base through partly swapped to all-model.
        "nearswap" => [(new() { ["t"] = 0.0001 }, [1]), (new() { ["t"] = 0.004 }, [1]), (new() { ["t"] = 0.02 }, [1]), (new() { ["t"] = 1 }, [1])],
        "passthrough" => [(new(), [1]), (new(), [0.37]), (new(), [-2.5])],
        // The task arithmetic family, every model at density 1 (nothing sparsified); with sign consensus for ties and della.
        _ => [(new() { ["lambda"] = 1 }, [1, 1, 1]), (new() { ["lambda"] = 0.37 }, [0.5, 1, 0.25]), (new() { ["lambda"] = 1.3, ["normalize"] = 1 }, [0.2, 0.9, 0.4]), (new() { ["lambda"] = 2.1, ["normalize"] = 0 }, [1, -0.3, 1])],
    };

    private static (TensorSource? Base, TensorSource[] Models) Sources(float[]? baseValues, float[][] models) =>
        (baseValues is null ? null : new ArrayTensorSource(baseValues), models.Select(m => (TensorSource)new ArrayTensorSource(m)).ToArray());

    private static MergeTensorContext Context(
        IMergeMethod method, (TensorSource? Base, TensorSource[] Models) sources, Dictionary<string, double> global, double[] weights, TensorSink output, double density = 1)
    {
        var parameters = method.Parameters.Where(p => p.Scope == ParameterScope.Global && p.Default is not null).ToDictionary(p => p.Name, p => p.Default!.Value);
        foreach (var (name, value) in global)
        {
            parameters[name] = value;
        }

        var usesBase = method.BaseModel != BaseModelUse.NotUsed;
        return new MergeTensorContext
        {
            TensorName = "layers.0.weight",
            Shape = [sources.Models[0].ElementCount],
            Base = usesBase ? sources.Base : null,
            BaseModel = usesBase && sources.Base is not null ? "base" : null,
            Models = sources.Models.Select((m, i) => new ModelTensor($"model{i}", m, new Dictionary<string, double> { ["weight"] = weights[i], ["scale"] = weights[i], ["density"] = density })).ToList(),
            Parameters = parameters,
            ChunkElements = Chunk,
            Output = output,
        };
    }

    private static float[] Add(float[] a, float[] b) => a.Select((x, i) => x + b[i]).ToArray();

    /// <summary>The values a tensor stored in <paramref name="dtype"/> decodes to.</summary>
    private static float[] InDType(float[] values, DType dtype)
    {
        var bytes = Encode(values, dtype);
        var decoded = new float[values.Length];
        DTypeCodec.Decode(dtype, bytes, decoded);
        return decoded;
    }

    private static byte[] Encode(float[] values, DType dtype)
    {
        var bytes = new byte[values.Length * dtype.ElementSize()];
        DTypeCodec.Encode(dtype, values, bytes);
        return bytes;
    }
}

using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Evaluation.Tests.Evaluators;

public sealed class CandidateMetricSumsTests
{
    private static float[] Random(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    [Theory]
    [InlineData(333)] // not a multiple of the sixteen lanes: every chunk after the first starts mid-lane and mid-block
    [InlineData(4096)]
    [InlineData(70_001)] // one chunk holding the whole tensor
    public void Candidates_fed_in_any_chunks_have_the_sums_of_each_scored_alone(int chunk)
    {
        var random = new Random(chunk);
        const int N = 70_001;
        var baseValues = new ArrayTensorSource(Random(random, N), N);
        var references = new[] { new ArrayTensorSource(Random(random, N), N), new ArrayTensorSource(Random(random, N), N) };
        var models = Enumerable.Range(0, 3).Select(_ => Random(random, N)).ToArray();
        var cancellationToken = TestContext.Current.CancellationToken;

        using var together = new CandidateMetricSums(models.Length, N, baseValues, references);
        for (var start = 0; start < N; start += chunk)
        {
            var length = Math.Min(chunk, N - start);
            together.Add(start, length, models.Select(m => m.AsSpan(start, length).ToArray()).ToList(), groups: 2, cancellationToken);
        }

        var sums = together.Complete();
        for (var k = 0; k < models.Length; k++)
        {
            var alone = TensorMetricSums.OfTensor(new ArrayTensorSource(models[k], N), baseValues, references, cancellationToken);
            Assert.Equal(alone.ToJson(), sums[k].ToJson());
        }
    }

    [Theory]
    [InlineData(4096, 1, false)]
    [InlineData(333, 37, false)] // blocks at odd offsets, in chunks that start mid-lane
    [InlineData(70_001, 4096, false)]
    [InlineData(333, 37, true)] // the base and references lend their chunks (a scoring job's inputs), read where they are
    [InlineData(70_001, 4096, true)]
    public void Candidates_added_in_blocks_by_concurrent_groups_have_the_sums_of_each_scored_alone(int chunk, int block, bool lending)
    {
        var random = new Random(block);
        const int N = 70_001;
        const int Candidates = 5;
        const int Groups = 2;
        var baseArray = Random(random, N);
        var referenceArrays = new[] { Random(random, N), Random(random, N) };
        var baseValues = new ArrayTensorSource(baseArray, N);
        var references = referenceArrays.Select(r => new ArrayTensorSource(r, N)).ToArray();
        var models = Enumerable.Range(0, Candidates).Select(_ => Random(random, N)).ToArray();
        var cancellationToken = TestContext.Current.CancellationToken;

        using var lenders = new Lenders(lending ? [new ChunkSharingSource(baseValues), .. references.Select(r => new ChunkSharingSource(r))] : []);
        using var together = lending
            ? new CandidateMetricSums(Candidates, N, lenders.Sources[0], lenders.Sources.Skip(1).ToList())
            : new CandidateMetricSums(Candidates, N, baseValues, references);
        for (var start = 0; start < N; start += chunk)
        {
            var length = Math.Min(chunk, N - start);
            together.BeginChunk(start, length, cancellationToken);
            Parallel.For(0, Groups, g =>
            {
                var (first, count) = CandidateGroups.Of(g, Groups, Candidates);
                for (var offset = 0; offset < length; offset += block)
                {
                    var n = Math.Min(block, length - offset);
                    together.AddCandidates(first, start + offset, n, models.Skip(first).Take(count).Select(m => m.AsSpan(start + offset, n).ToArray()).ToList());
                }
            });
        }

        var sums = together.Complete();
        for (var k = 0; k < Candidates; k++)
        {
            var alone = TensorMetricSums.OfTensor(new ArrayTensorSource(models[k], N), baseValues, references, cancellationToken);
            Assert.Equal(alone.ToJson(), sums[k].ToJson());
            Assert.Equal(PlainLaneOrder.Json(models[k], baseArray, referenceArrays), sums[k].ToJson());
        }
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 3)] // a pass of two references, then one of one
    [InlineData(false, 2)]
    [InlineData(false, 3)]
    public void Candidates_with_zero_and_tiny_deltas_any_number_of_references_and_no_base_have_the_sums_of_each_scored_alone(bool hasBase, int referenceCount)
    {
        // Every third reference value is the base's (a zero task delta, which the non-zero count skips), every fifth
        // candidate value the base's or the reference's, some values the smallest floats: the passes and the
        // reference-only sums must count and add them in the documented order, as each candidate alone does.
        var random = new Random(referenceCount);
        const int N = 10_007;
        const int Candidates = 5;
        var baseArray = Random(random, N);
        baseArray[7] = float.Epsilon;
        var referenceArrays = Enumerable.Range(0, referenceCount).Select(_ => Random(random, N)).ToArray();
        foreach (var reference in referenceArrays)
        {
            for (var i = 0; i < N; i += 3)
            {
                reference[i] = baseArray[i];
            }

            reference[8] = -float.Epsilon;
        }

        var models = Enumerable.Range(0, Candidates).Select(_ => Random(random, N)).ToArray();
        foreach (var model in models)
        {
            for (var i = 0; i < N; i += 5)
            {
                model[i] = i % 2 == 0 ? baseArray[i] : referenceArrays[0][i];
            }

            model[9] = -0f;
        }

        var baseValues = hasBase ? new ArrayTensorSource(baseArray, N) : null;
        var references = referenceArrays.Select(r => new ArrayTensorSource(r, N)).ToArray();
        var cancellationToken = TestContext.Current.CancellationToken;
        using var together = new CandidateMetricSums(Candidates, N, baseValues, references);
        for (var start = 0; start < N; start += 3001)
        {
            var length = Math.Min(3001, N - start);
            together.Add(start, length, models.Select(m => m.AsSpan(start, length).ToArray()).ToList(), groups: 2, cancellationToken);
        }

        var sums = together.Complete();
        for (var k = 0; k < Candidates; k++)
        {
            var alone = TensorMetricSums.OfTensor(new ArrayTensorSource(models[k], N), baseValues, references, cancellationToken);
            Assert.Equal(alone.ToJson(), sums[k].ToJson());
            Assert.Equal(PlainLaneOrder.Json(models[k], hasBase ? baseArray : null, referenceArrays), sums[k].ToJson());
        }
    }

    private sealed class Lenders(IReadOnlyList<ChunkSharingSource> sources) : IDisposable
    {
        public IReadOnlyList<ChunkSharingSource> Sources => sources;

        public void Dispose()
        {
            foreach (var source in sources)
            {
                source.Dispose();
            }
        }
    }

    [Fact]
    public void A_candidates_block_out_of_order_or_a_chunk_begun_early_is_refused()
    {
        var values = new float[8];
        using var sums = new CandidateMetricSums(2, 16, null, []);
        sums.BeginChunk(0, 8, TestContext.Current.CancellationToken);
        sums.AddCandidates(0, 0, 4, [values, values]);
        var error = Assert.Throws<ArgumentException>(() => sums.AddCandidates(1, 0, 4, [values]));
        Assert.Contains("candidate 1: expected elements from 4", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => sums.AddCandidates(0, 4, 8, [values, values])); // past the chunk
        sums.AddCandidates(0, 4, 4, [values]);
        var early = Assert.Throws<InvalidOperationException>(() => sums.BeginChunk(8, 8, TestContext.Current.CancellationToken));
        Assert.Contains("candidate 1 has values up to element 4", early.Message, StringComparison.Ordinal);
        sums.AddCandidates(1, 4, 4, [values]);
        sums.BeginChunk(8, 8, TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => sums.Complete());
    }

    [Fact]
    public void Chunks_out_of_element_order_or_an_incomplete_tensor_are_refused()
    {
        var values = new float[8];
        using var sums = new CandidateMetricSums(1, 8, null, []);
        var error = Assert.Throws<ArgumentException>(() => sums.Add(4, 4, [values], 1, TestContext.Current.CancellationToken));
        Assert.Contains("expected elements from 0 of 8", error.Message, StringComparison.Ordinal);
        sums.Add(0, 4, [values], 1, TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => sums.Complete());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void No_candidates_add_nothing_with_any_number_of_groups(int groups)
    {
        using var sums = new CandidateMetricSums(0, 8, null, []);

        sums.Add(0, 8, [], groups, TestContext.Current.CancellationToken);

        Assert.Empty(sums.Complete());
    }
}

using FusionCluster.Language.Generation;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Language.Tests.Generation;

public sealed class TextGeneratorTests
{
    [Fact]
    public void Greedy_generation_appends_the_references_argmax_each_step()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Vocab = 11 };
        var weights = TinyCheckpointWriter.RandomWeights(spec, 5, bfloat16: false);
        TinyCheckpointWriter.Write(directory.Path, spec, weights, false);
        using var model = LanguageModelCheckpoint.Load(directory.Path);

        var generated = TextGenerator.Generate(model, [1, 4, 7], maxNewTokens: 5, cancellationToken: TestContext.Current.CancellationToken);

        var sequence = new List<int> { 1, 4, 7 };
        for (var step = 0; step < 5; step++)
        {
            var last = ReferenceDecoder.Logits(spec, weights, [.. sequence])[^1];
            sequence.Add(Array.IndexOf(last, last.Max()));
        }

        Assert.Equal(sequence.Skip(3), generated);
    }

    [Fact]
    public void Sampling_repeats_for_a_seed()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Vocab = 11 };
        TinyCheckpointWriter.Write(directory.Path, spec, TinyCheckpointWriter.RandomWeights(spec, 6, false), false);
        using var model = LanguageModelCheckpoint.Load(directory.Path);

        var first = TextGenerator.Generate(model, [1, 2], 12, temperature: 1.5, seed: 9, cancellationToken: TestContext.Current.CancellationToken);
        var again = TextGenerator.Generate(model, [1, 2], 12, temperature: 1.5, seed: 9, cancellationToken: TestContext.Current.CancellationToken);
        var other = TextGenerator.Generate(model, [1, 2], 12, temperature: 1.5, seed: 10, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }
}

using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;

namespace FusionCluster.Language.DataAware;

/// <summary>
/// RegMean++'s merge of a llama before decoder block <c>block</c>, as the parameters a model's
/// <see cref="Models.LlamaBlockStream"/> reads instead of its own (<see cref="SubstituteAsync"/>): the embeddings and
/// every block p &lt; <c>block</c> exactly as RegMean's merge units write them, float32: a weight with a Gram matrix
/// from every model solved by <see cref="RegMeanMergeMethod.Solve"/> with <c>ratio</c>, any other tensor (norms,
/// embeddings) averaged by <see cref="RegMeanMergeMethod.Average"/>. The models' Gram matrices of block p are those
/// of block p's statistics units, themselves computed after the merge of the blocks before p. The stream reads one
/// block at a time, so only that block's Gram matrices (every model's) are held, and one tensor of every model.
/// </summary>
/// <param name="models">The merged models, in the order the merge units give them.</param>
/// <param name="weight">A model's stored tensor by full name, as float32 values and shape.</param>
/// <param name="grams">A model's Gram matrices of a block, by weight name.</param>
public sealed class RegMeanPlusPlusPrefix(
    IReadOnlyList<string> models,
    int block,
    double ratio,
    Func<string, string, CancellationToken, Task<ArrayTensorSource>> weight,
    Func<string, int, CancellationToken, Task<IReadOnlyDictionary<string, TensorSource>>> grams)
{
    public const string EmbeddingName = "model.embed_tokens.weight";

    private int gramsBlock = -1;
    private IReadOnlyList<IReadOnlyDictionary<string, TensorSource>> gramsOfBlock = [];

    /// <summary>The merged values of <paramref name="name"/> when it is the embeddings or a tensor of a block before <c>block</c>; null otherwise (the model's own).</summary>
    public async ValueTask<TensorSource?> SubstituteAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == EmbeddingName)
        {
            return await MergeAsync(name, null, cancellationToken);
        }

        if (LanguageModelBlocks.BlockOf(name) is not { } of || of >= block)
        {
            return null;
        }

        if (of != gramsBlock)
        {
            gramsOfBlock = [];
            var loaded = new List<IReadOnlyDictionary<string, TensorSource>>();
            foreach (var model in models)
            {
                loaded.Add(await grams(model, of, cancellationToken));
            }

            gramsOfBlock = loaded;
            gramsBlock = of;
        }

        return await MergeAsync(name, gramsOfBlock, cancellationToken);
    }

    private async Task<ArrayTensorSource> MergeAsync(string name, IReadOnlyList<IReadOnlyDictionary<string, TensorSource>>? blockGrams, CancellationToken cancellationToken)
    {
        var weights = new List<float[]>();
        IReadOnlyList<long> shape = [];
        foreach (var model in models)
        {
            var stored = await weight(model, name, cancellationToken);
            weights.Add(stored.Values);
            shape = stored.Shape;
        }

        var withGram = blockGrams?.Select(g => g.GetValueOrDefault(name)).ToList() ?? [];
        if (withGram.All(g => g is null))
        {
            return new ArrayTensorSource(RegMeanMergeMethod.Average(weights), [.. shape]);
        }

        if (withGram.Any(g => g is null) || shape.Count != 2)
        {
            throw new MergeMethodException($"tensor '{name}': RegMean++ needs a Gram matrix from every model for a 2-D weight of block {gramsBlock}; {withGram.Count(g => g is not null)} of {models.Count} models have one");
        }

        var solved = RegMeanMergeMethod.Solve(weights, withGram.Select(g => g!.ReadAll()).ToList(), (int)shape[0], (int)shape[1], ratio, name);
        return new ArrayTensorSource(solved, [.. shape]);
    }
}

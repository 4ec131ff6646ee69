namespace FusionCluster.Language.Training;

/// <summary>How <see cref="LanguageModelTrainer"/> trains: the architecture (from scratch only), the schedule and the seed.</summary>
public sealed record LanguageTrainingOptions
{
    /// <summary>Fine-tune this checkpoint folder (its config, weights and tokenizer) instead of starting from scratch.</summary>
    public string? BaseCheckpoint { get; init; }

    /// <summary>A tokenizer.json to use from scratch; null writes a byte-level one (<see cref="ByteLevelTokenizer"/>).</summary>
    public string? Tokenizer { get; init; }

    public int Layers { get; init; } = 2;

    public int Hidden { get; init; } = 64;

    public int Heads { get; init; } = 4;

    public int KvHeads { get; init; } = 2;

    public int Ffn { get; init; } = 172;

    /// <summary>Tokens per training window (and max_position_embeddings of a new model).</summary>
    public int Context { get; init; } = 64;

    public int Steps { get; init; } = 200;

    public int BatchSize { get; init; } = 8;

    public double LearningRate { get; init; } = 3e-3;

    public ulong Seed { get; init; } = 1;

    /// <summary>Torch threads; results are byte-identical for the same seed and thread count.</summary>
    public int Threads { get; init; } = 1;

    public void Validate()
    {
        void Positive(int value, string option)
        {
            if (value <= 0)
            {
                throw new ArgumentException($"{option} {value}: expected a positive number");
            }
        }

        Positive(Layers, "--layers");
        Positive(Hidden, "--hidden");
        Positive(Heads, "--heads");
        Positive(KvHeads, "--kv-heads");
        Positive(Ffn, "--ffn");
        Positive(Steps, "--steps");
        Positive(BatchSize, "--batch-size");
        Positive(Threads, "--threads");
        if (Context < 2)
        {
            throw new ArgumentException($"--context {Context}: expected at least 2 tokens");
        }

        if ((long)BatchSize * Context > Array.MaxLength)
        {
            throw new ArgumentException($"--batch-size {BatchSize} × --context {Context}: {(long)BatchSize * Context} tokens per step, more than the {Array.MaxLength} one step can hold");
        }

        if (Hidden % Heads != 0 || (Hidden / Heads) % 2 != 0)
        {
            throw new ArgumentException($"--hidden {Hidden} / --heads {Heads}: the head size must be a whole, even number");
        }

        if (Heads % KvHeads != 0)
        {
            throw new ArgumentException($"--heads {Heads} is not a multiple of --kv-heads {KvHeads}");
        }

        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new ArgumentException($"--lr {LearningRate}: expected a positive number");
        }
    }
}

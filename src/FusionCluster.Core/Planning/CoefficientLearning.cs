namespace FusionCluster.Core.Planning;

/// <summary>How a job's coefficient unit learns AdaMerging's λ: from <paramref name="Base"/>'s task vectors, Adam for <paramref name="Steps"/> steps on batches of <paramref name="Batch"/> held-out inputs per task, batches drawn from <paramref name="Seed"/>.</summary>
public sealed record CoefficientLearning(string Base, int Steps, int Batch, double LearningRate, ulong Seed);

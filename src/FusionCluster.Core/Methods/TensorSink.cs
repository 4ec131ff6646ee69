namespace FusionCluster.Core.Methods;

/// <summary>Receives a merged tensor chunk by chunk. Every element must be written exactly once. Thread-safe for disjoint ranges.</summary>
public abstract class TensorSink
{
    public abstract void Write(long start, ReadOnlySpan<float> values);
}

using System.Buffers;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>A pooled scratch array of exactly <c>length</c> visible elements; return it with Dispose.</summary>
public ref struct RentedBuffer<T>
{
    private T[]? array;
    private readonly int length;

    public RentedBuffer(int length)
    {
        this.array = ArrayPool<T>.Shared.Rent(Math.Max(1, length));
        this.length = length;
    }

    public readonly Span<T> Span => this.array.AsSpan(0, this.length);

    public void Dispose()
    {
        if (this.array is not null)
        {
            ArrayPool<T>.Shared.Return(this.array);
            this.array = null;
        }
    }
}

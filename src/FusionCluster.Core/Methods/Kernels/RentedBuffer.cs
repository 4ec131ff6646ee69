using System.Buffers;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>A pooled scratch array of exactly <c>length</c> visible elements; return it with Dispose.</summary>
public ref struct RentedBuffer<T>
{
    private T[]? _array;
    private readonly int _length;

    public RentedBuffer(int length)
    {
        _array = ArrayPool<T>.Shared.Rent(Math.Max(1, length));
        _length = length;
    }

    public readonly Span<T> Span => _array.AsSpan(0, _length);

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<T>.Shared.Return(_array);
            _array = null;
        }
    }
}

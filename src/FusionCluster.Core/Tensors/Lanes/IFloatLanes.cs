namespace FusionCluster.Core.Tensors.Lanes;

/// <summary>
/// The vector operations of kernels written once for every vector width (<see cref="FloatLanes128"/>,
/// <see cref="FloatLanes256"/>, <see cref="FloatLanes512"/>): a kernel generic over a width is compiled for the widest one the
/// machine accelerates (its caller tests <c>Vector512.IsHardwareAccelerated</c>, then 256), its calls inlined to one or a
/// few instructions. A kernel written for 512 bits alone either ran emulated where there is no AVX-512 (the JIT splits each
/// vector in two and keeps some in memory) or, guarded, left an AVX2 core a slower general path. Every operation is lane
/// by lane (one IEEE rounding per lane), so a kernel's results are the same bits at every width.
/// </summary>
/// <typeparam name="TVector">The vector of float32 lanes.</typeparam>
public interface IFloatLanes<TVector>
    where TVector : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector values, ref float destination, nuint offset);

    static abstract TVector Broadcast(float value);

    static abstract TVector Add(TVector left, TVector right);

    static abstract TVector Subtract(TVector left, TVector right);

    static abstract TVector Multiply(TVector left, TVector right);

    /// <summary><c>left · right + addend</c>, rounded once.</summary>
    static abstract TVector FusedMultiplyAdd(TVector left, TVector right, TVector addend);

    /// <summary>
    /// The values' signs as one word: bit l where lane l is positive, bit 16 + l where it is negative, neither for a zero or
    /// NaN. Two vectors' lanes have the same strict sign where the AND of their words has a bit.
    /// </summary>
    static abstract uint Signs(TVector values);

    /// <summary>Lanes equal to zero (either sign; NaN is not).</summary>
    static abstract int CountZeros(TVector values);

    /// <summary>
    /// The values rounded to bf16 (to nearest, ties to even), as float32, for finite values; the largest exponent field
    /// seen so far is kept in <paramref name="largestExponent"/>'s bits (start from zero), as a non-finite value's result is
    /// not used (<see cref="AllFinite"/>).
    /// </summary>
    static abstract TVector RoundFiniteThroughBFloat16(TVector values, ref TVector largestExponent);

    /// <summary>Whether every value <see cref="RoundFiniteThroughBFloat16"/> saw with this <paramref name="largestExponent"/> was finite.</summary>
    static abstract bool AllFinite(TVector largestExponent);
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FusionCluster.Core.Tensors.Lanes;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// One running sum in <see cref="LaneSums"/>' order: the current block's 16 float32 lane sums, and the float64 lane sums of
/// the blocks before it. Kernels take <see cref="Block"/>'s lanes into a register of their width while they add a run of
/// a block (<see cref="BlockLanes{TLanes, TVector}"/>), give them back (<see cref="SetBlockLanes{TLanes, TVector}"/>), and end a
/// block with <see cref="EndBlock"/>; the scalar path adds one element at a time (<see cref="AddAt"/>) with the same bits.
/// </summary>
internal struct LaneSum
{
    /// <summary>The current block's lane sums (lane l holds element l, l + 16, ... of it).</summary>
    public Vector512<float> Block;

    /// <summary>The ended blocks' sums of lanes 0-7.</summary>
    public Vector512<double> Lower;

    /// <summary>The ended blocks' sums of lanes 8-15.</summary>
    public Vector512<double> Upper;

    /// <summary>
    /// The total: each lane's float64 sum plus its current block's, then lane l + lane l + 8, then the four halves of what is
    /// left, then <c>(a + b) + (c + d)</c>.
    /// </summary>
    public readonly double Total
    {
        get
        {
            var eight = (Lower + Vector512.WidenLower(Block)) + (Upper + Vector512.WidenUpper(Block));
            var four = eight.GetLower() + eight.GetUpper();
            return (four.GetElement(0) + four.GetElement(1)) + (four.GetElement(2) + four.GetElement(3));
        }
    }

    /// <summary>A sum whose <see cref="Total"/> is exactly <paramref name="total"/> (never -0: a sum from +0 is not).</summary>
    public static LaneSum OfTotal(double total) => new() { Lower = Vector512<double>.Zero.WithElement(0, total) };

    /// <summary>The current block's lanes from <paramref name="lane"/> on, as many as a <typeparamref name="TVector"/> holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector BlockLanes<TLanes, TVector>(int lane)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct =>
        TLanes.Load(ref Unsafe.As<Vector512<float>, float>(ref Block), (nuint)lane);

    /// <summary>Sets the current block's lanes from <paramref name="lane"/> on, as many as a <typeparamref name="TVector"/> holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetBlockLanes<TLanes, TVector>(int lane, TVector sums)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct =>
        TLanes.Store(sums, ref Unsafe.As<Vector512<float>, float>(ref Block), (nuint)lane);

    /// <summary>Adds the block's lane sums to the float64 lanes; the next block starts from 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndBlock()
    {
        Lower += Vector512.WidenLower(Block);
        Upper += Vector512.WidenUpper(Block);
        Block = Vector512<float>.Zero;
    }

    /// <summary>Adds <c>a·b</c> of element <paramref name="element"/> to its lane (the few elements before and after a run of whole vectors).</summary>
    public void AddAt(long element, float a, float b)
    {
        var lane = (int)(element % LaneSums.Lanes);
        Block = Block.WithElement(lane, MathF.FusedMultiplyAdd(a, b, Block.GetElement(lane)));
        if (LaneSums.StartsBlock(element + 1))
        {
            EndBlock();
        }
    }
}

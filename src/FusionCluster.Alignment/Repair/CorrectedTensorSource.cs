using FusionCluster.Alignment.Jobs;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Repair;

/// <summary>
/// A float32 weight or bias tensor read through REPAIR's per-unit correction (<see cref="UnitCorrection"/>):
/// element i of unit row r = i / (elements per row) becomes x·Scale[r] (+ Shift[r] for the bias). Because
/// the correction is affine per unit and the interpolation's coefficients sum to 1, averaging corrected
/// endpoints equals correcting the average, so merge units apply it to their inputs as they read them.
/// Disposing it disposes the original.
/// </summary>
public sealed class CorrectedTensorSource(StoredTensor original, UnitCorrection correction, bool isBias) : StoredTensor
{
    public override TensorEntry Entry => original.Entry;

    public override void Read(long start, Span<float> destination)
    {
        original.Read(start, destination);
        var rowLength = Entry.ElementCount / correction.Scale.Length;
        for (var i = 0; i < destination.Length; i++)
        {
            var row = (int)((start + i) / rowLength);
            destination[i] = isBias ? (destination[i] * correction.Scale[row]) + correction.Shift[row] : destination[i] * correction.Scale[row];
        }
    }

    public override void ReadRaw(long byteStart, Span<byte> destination)
    {
        if (Entry.DType != DType.F32 || byteStart % sizeof(float) != 0 || destination.Length % sizeof(float) != 0)
        {
            throw new AlignmentException($"tensor '{Entry.Name}': a REPAIR-corrected tensor is read as whole float32 elements");
        }

        var values = new float[destination.Length / sizeof(float)];
        Read(byteStart / sizeof(float), values);
        DTypeCodec.Encode(DType.F32, values, destination);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            original.Dispose();
        }
    }
}

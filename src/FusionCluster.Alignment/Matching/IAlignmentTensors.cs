namespace FusionCluster.Alignment.Matching;

/// <summary>A model's tensors as weight matching reads them: shapes up front, values decoded to float32 on demand.</summary>
public interface IAlignmentTensors
{
    /// <summary>Names the model in errors and reports.</summary>
    string Name { get; }

    IReadOnlyDictionary<string, long[]> Shapes { get; }

    /// <summary>The tensor's elements, row-major. The caller must not change the array.</summary>
    float[] Read(string tensor);
}

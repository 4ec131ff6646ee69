namespace FusionCluster.Core.Planning;

/// <summary>Which stored tensors (input location, tensor name) an output tensor reads: what candidates of a shared-input job can share.</summary>
public static class TensorReads
{
    public static IReadOnlyList<(string Location, string Tensor)> Of(TensorPlan tensor, IReadOnlyDictionary<string, string> modelPaths)
    {
        var reads = new List<(string Location, string Tensor)>();
        foreach (var input in tensor.Base is null ? tensor.Inputs : tensor.Inputs.Prepend(tensor.Base))
        {
            if (input.Rows is { } rows)
            {
                reads.AddRange(rows.Sources.Select(s => (modelPaths[s.Model], s.Tensor)));
            }
            else
            {
                reads.Add((modelPaths[input.Model], input.Tensor));
            }
        }

        return reads.Distinct().ToList();
    }

    /// <summary>One string per distinct read set, so tensors that read the same stored tensors count their input bytes once.</summary>
    public static string Key(TensorPlan tensor, IReadOnlyDictionary<string, string> modelPaths) =>
        string.Join('\n', Of(tensor, modelPaths).Select(r => $"{r.Location}\t{r.Tensor}").Order(StringComparer.Ordinal));
}

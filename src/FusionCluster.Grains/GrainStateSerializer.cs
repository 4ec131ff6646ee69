using System.Buffers;
using Orleans.Serialization;
using Orleans.Storage;

namespace FusionCluster.Grains;

/// <summary>
/// How a FusionCluster silo stores every grain state (the embedded silo's store, a cluster's Redis). Orleans stores JSON by
/// default, through Newtonsoft with a type name on every object: a job of a hundred scored candidates saved tens of
/// megabytes of it about once a second, every tensor's sums escaped as a string, and at 400 candidates writing it took
/// more of the process's time than merging. With <paramref name="writeBinary"/> states are written in Orleans' binary
/// format, the one grain calls use, after a marker; either way both read, JSON never starting with the marker. A silo of
/// an earlier version reads only JSON, so a cluster writes binary (<see cref="BinaryStateSetting"/>) only once all its
/// silos read it; the embedded silo, whose states live and die with its process, always does.
/// </summary>
public sealed class GrainStateSerializer(Serializer serializer, OrleansJsonSerializer json, bool writeBinary) : IGrainStorageSerializer
{
    /// <summary>The setting that makes a silo write binary states.</summary>
    public const string BinaryStateSetting = "Fusion:Storage:BinaryState";

    /// <summary>Orleans' JSON: what a cluster writes unless told otherwise, and all that earlier versions wrote.</summary>
    private readonly JsonGrainStorageSerializer orleansJson = new(json);

    /// <summary>"FCB" (FusionCluster, binary) and the format's version: JSON starts with "{".</summary>
    private static ReadOnlySpan<byte> Marker => "FCB\u0001"u8;

    public BinaryData Serialize<T>(T? input)
    {
        if (!writeBinary)
        {
            return orleansJson.Serialize(input);
        }

        var bytes = new ArrayBufferWriter<byte>();
        bytes.Write(Marker);
        serializer.Serialize(input, bytes);
        return new BinaryData(bytes.WrittenMemory);
    }

    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = input.ToMemory();
        return bytes.Span.StartsWith(Marker) ? serializer.Deserialize<T>(bytes[Marker.Length..]) : orleansJson.Deserialize<T>(input);
    }
}

using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Storage;

/// <summary>Checks on names that reach a store from specs, plans and other silos.</summary>
public static class StorageNames
{
    /// <summary>A job id becomes a folder or blob name: letters, digits, '-', '_' and '.', not starting with '.'.</summary>
    public static string CheckJobId(string jobId)
    {
        if (string.IsNullOrEmpty(jobId) || jobId.Length > 128 || jobId[0] == '.' || !jobId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new StorageException($"job id '{jobId}' must be 1-128 letters, digits, '-', '_' or '.', and not start with '.'");
        }

        return jobId;
    }

    /// <summary>A published file name must be a plain name: no folders, no '..', no control characters.</summary>
    public static string CheckFileName(string name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Length > 255
            || name.Any(c => c is '/' or '\\' or ':' || char.IsControl(c)))
        {
            throw new StorageException($"'{name}' is not a plain file name");
        }

        return name;
    }

    /// <summary>
    /// A relative blob path (prefix/name): segments separated by '/', none empty, '.' or '..', no
    /// backslashes or control characters, at most 1024 characters.
    /// </summary>
    public static string CheckRelativePath(string path, string what)
    {
        if (path.Length > 1024 || path.StartsWith('/') || path.Any(c => c == '\\' || char.IsControl(c)))
        {
            throw new StorageException($"{what} '{path}' must be a relative path of at most 1024 characters without '\\' or control characters");
        }

        if (path.Length > 0 && path.TrimEnd('/').Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new StorageException($"{what} '{path}' has an empty, '.' or '..' segment");
        }

        return path.TrimEnd('/');
    }

    /// <summary>Rejects raw writes outside a tensor's planned bytes.</summary>
    public static void CheckRange(TensorPlan tensor, long byteStart, int length)
    {
        if (byteStart < 0 || byteStart > tensor.ByteLength - length)
        {
            throw new ArgumentOutOfRangeException(nameof(byteStart), $"tensor '{tensor.Name}': bytes [{byteStart}, {byteStart + length}) are outside its {tensor.ByteLength} bytes");
        }
    }
}

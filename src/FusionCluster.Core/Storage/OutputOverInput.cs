namespace FusionCluster.Core.Storage;

/// <summary>
/// A merge (or <c>fusion align</c>) may not publish into the folder (or blob prefix) one of its own input models is read
/// from: the output's files (model.safetensors, config.json ...) would replace the input's, a model the user keeps.
/// <c>--overwrite</c> lets an output replace an earlier output or sit beside other files; it never makes an input a target.
/// An input whose files are links into the output folder (a Hugging Face cache snapshot links each file to its blob) is
/// refused too: publishing replaces the files the links resolve to, and the input would change under its user.
/// </summary>
public static class OutputOverInput
{
    /// <param name="modelPaths">The inputs: a model's name to its resolved location.</param>
    /// <param name="output">The resolved output location.</param>
    /// <exception cref="StorageException">The output is where one of the models is; the message names it.</exception>
    public static void Refuse(IReadOnlyDictionary<string, string> modelPaths, string output)
    {
        ArgumentNullException.ThrowIfNull(modelPaths);
        var target = Canonical(output);
        // Once per location (the first model that reads it names it): a shared-input job checks each candidate's output
        // against every other candidate's inputs, mostly the same few folders, whose links are resolved one by one.
        var checkedLocations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (model, location) in modelPaths.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!checkedLocations.Add(location))
            {
                continue;
            }

            if (Canonical(location) == target)
            {
                throw new StorageException(
                    $"--out {output} is where input model '{model}' is read from; publishing there would replace its files with this output's. Choose another --out (--overwrite replaces an earlier output, never an input)");
            }

            if (LinkedFileInOutput(location, target) is { } linked)
            {
                throw new StorageException(
                    $"--out {output} holds '{Path.GetFileName(linked.Target)}', the file input model '{model}' reads through its link '{linked.Link}'; publishing there would replace it. Choose another --out (--overwrite replaces an earlier output, never an input)");
            }
        }
    }

    /// <summary>The first link directly in a local input folder (by name) that resolves to a file directly in <paramref name="target"/>.</summary>
    private static (string Link, string Target)? LinkedFileInOutput(string location, string target)
    {
        if (location.Contains("://", StringComparison.Ordinal) || !Directory.Exists(location))
        {
            return null;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(location).Order(StringComparer.Ordinal))
        {
            if (LocalPath.IsLink(entry) && LocalPath.Resolve(entry) is var resolved && Path.GetDirectoryName(resolved) == target)
            {
                return (entry, resolved);
            }
        }

        return null;
    }

    /// <summary>A blob prefix without its trailing slashes; a local folder with its symlinks resolved, so a link to an input is that input.</summary>
    private static string Canonical(string location) =>
        (location.Contains("://", StringComparison.Ordinal) ? location : LocalPath.Resolve(location)).TrimEnd('/');
}

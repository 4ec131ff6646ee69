namespace FusionCluster.Core.Storage;

/// <summary>
/// A merge (or <c>fusion align</c>) may not publish into the folder (or blob prefix) one of its own input models is read
/// from: the output's files (model.safetensors, config.json ...) would replace the input's, a model the user keeps.
/// <c>--overwrite</c> lets an output replace an earlier output or sit beside other files; it never makes an input a target.
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
        foreach (var (model, location) in modelPaths.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (Canonical(location) == target)
            {
                throw new StorageException(
                    $"--out {output} is where input model '{model}' is read from; publishing there would replace its files with this output's. Choose another --out (--overwrite replaces an earlier output, never an input)");
            }
        }
    }

    /// <summary>A blob prefix without its trailing slashes; a local folder with its symlinks resolved, so a link to an input is that input.</summary>
    private static string Canonical(string location) =>
        (location.Contains("://", StringComparison.Ordinal) ? location : LocalPath.Resolve(location)).TrimEnd('/');
}

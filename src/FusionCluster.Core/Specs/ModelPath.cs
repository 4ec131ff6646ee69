using System.Text.RegularExpressions;

namespace FusionCluster.Core.Specs;

/// <summary>Maps a spec's model reference to a local folder. FusionCluster never downloads models.</summary>
public static partial class ModelPath
{
    /// <summary>
    /// The full path of the folder <paramref name="model"/> names: absolute as given, <c>~/</c> expanded to the
    /// home folder, otherwise relative to <paramref name="baseDirectory"/> (the spec file's folder).
    /// </summary>
    /// <exception cref="SpecException">The name is empty or the folder does not exist.</exception>
    public static string ResolveLocal(string model, string baseDirectory) => RequireFolder(model, FullPath(model, baseDirectory));

    /// <summary><paramref name="full"/>, the <see cref="FullPath"/> of <paramref name="model"/>, once it is known to be a folder.</summary>
    /// <exception cref="SpecException">The folder does not exist; the message names the model as written and the path.</exception>
    public static string RequireFolder(string model, string full)
    {
        if (Directory.Exists(full))
        {
            return full;
        }

        if (LooksLikeHubId(model))
        {
            throw new SpecException($"model '{model}' is not a local folder (FusionCluster does not download models; put a local path)");
        }

        throw new SpecException($"model '{model}': folder '{full}' does not exist");
    }

    /// <summary>The full path <paramref name="model"/> names, as <see cref="ResolveLocal"/> finds it, whether or not it exists.</summary>
    /// <exception cref="SpecException">The name is empty.</exception>
    public static string FullPath(string model, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new SpecException("model name is empty");
        }

        var expanded = model;
        if (model == "~" || model.StartsWith("~/", StringComparison.Ordinal))
        {
            expanded = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), model[1..].TrimStart('/'));
        }

        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(baseDirectory, expanded)));
    }

    /// <summary>True for "owner/name" references of the Hugging Face hub form (which a local path may also have).</summary>
    public static bool LooksLikeHubId(string model) => HubId().IsMatch(model);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    private static partial Regex HubId();
}

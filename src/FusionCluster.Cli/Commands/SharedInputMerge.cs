using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// <c>fusion merge a.yaml b.yaml ... --out-dir DIR</c>: the specs as one shared-input job (each input tensor
/// read once for all of them), each output in DIR/&lt;spec file name without .yaml&gt;.
/// </summary>
public static class SharedInputMerge
{
    /// <summary>The candidates, or an error naming the spec file that cannot be one.</summary>
    /// <param name="roots">The data roots every spec file must resolve inside (<see cref="LocalRoots.Anywhere"/> for none).</param>
    public static (IReadOnlyList<CandidateSpec>? Candidates, string? Error) Candidates(IReadOnlyList<FileInfo> specs, string outDir, LocalRoots roots)
    {
        var root = OutputLocation.FromCommandLine(outDir);
        var candidates = new List<CandidateSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!spec.Exists)
            {
                return (null, MergeCommand.NoSpecFile(spec));
            }

            var name = NameOf(spec);
            if (name is "" or "." or ".." || name.StartsWith(".fusion", StringComparison.Ordinal))
            {
                return (null, $"{spec.FullName}: its output would be '{name}' under --out-dir, which is not a folder of its own there; rename the spec file");
            }

            if (!names.Add(name))
            {
                return (null, $"{spec.FullName}: another spec is also called '{name}', and both outputs would be {OutputOf(root, name)}");
            }

            string text;
            try
            {
                text = SpecYaml.ReadText(spec.FullName, "spec file", roots);
            }
            catch (SpecException e)
            {
                return (null, e.Message);
            }

            candidates.Add(new CandidateSpec(name, text, spec.DirectoryName!, OutputOf(root, name)) { SpecFileName = spec.Name });
        }

        return (candidates, null);
    }

    /// <summary>The spec file's name without .yaml (or .yml).</summary>
    public static string NameOf(FileInfo spec) =>
        spec.Extension is ".yaml" or ".yml" ? Path.GetFileNameWithoutExtension(spec.Name) : spec.Name;

    /// <summary>One line per candidate; the exit code: 0 when all were published, 1 when any failed, 130 when cancelled.</summary>
    public static int Summarize(JobStatus status, double wall)
    {
        foreach (var candidate in status.Candidates)
        {
            if (candidate.State == JobState.Succeeded)
            {
                System.Console.WriteLine($"{candidate.Name}: merged -> {candidate.Output}");
            }
            else
            {
                // A candidate's error starts with its name already.
                System.Console.Error.WriteLine($"fusion: error: {(candidate.State == JobState.Cancelled ? $"{candidate.Name}: cancelled; nothing was published" : candidate.Error ?? $"{candidate.Name}: failed")}");
            }
        }

        var published = status.Candidates.Count(c => c.State == JobState.Succeeded);
        if (status.State == JobState.Cancelled)
        {
            return MergeCommand.Fail("cancelled; nothing was published", 130);
        }

        if (published == 0 && status.Candidates.Count == 0)
        {
            return MergeCommand.Fail(status.Error ?? "the merge failed");
        }

        System.Console.WriteLine($"{published} of {status.Candidates.Count} merges published in {wall:F1} s ({status.UnitsTotal} shared units, {Console.Units.Bytes(status.BytesTotal)} read)");
        return published == status.Candidates.Count ? 0 : 1;
    }

    /// <summary>Removes <paramref name="folder"/> (a --out-dir the command created) when no merge was published in it.</summary>
    public static void RemoveIfEmpty(string? folder)
    {
        try
        {
            if (folder is not null && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Something appeared in it, or it cannot be removed: an empty folder left behind is no error of the merges.
        }
    }

    private static string OutputOf(string root, string name) =>
        root.Contains("://", StringComparison.Ordinal) ? $"{root.TrimEnd('/')}/{name}" : Path.Combine(root, name);
}

using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>The merge spec a sweep varies. <see cref="Directory"/> is where its relative model paths start.</summary>
public sealed class SweepTemplate
{
    private readonly YamlMappingNode root;

    public SweepTemplate(YamlMappingNode root, string directory, string sourceName)
    {
        this.root = (YamlMappingNode)SpecPath.Copy(root);
        Directory = directory;
        SourceName = sourceName;
    }

    public string Directory { get; }

    /// <summary>Where the template came from, for messages: "sweep.yaml template" or a spec file's name.</summary>
    public string SourceName { get; }

    /// <summary>The template itself as YAML.</summary>
    public string Text => SweepYaml.Document(root);

    /// <summary>
    /// The merge spec of one point, parsed and validated as <c>fusion merge</c> would, except that a parameter its method
    /// does not take is left to the planner, which fails that point alone (<see cref="UnknownParameters"/> says which).
    /// </summary>
    /// <exception cref="SpecException">The point does not fit the template, or the spec it makes is invalid; the message names the point.</exception>
    public SweepCandidateSpec Instantiate(SweepPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var spec = (YamlMappingNode)SpecPath.Copy(root);
        foreach (var assignment in point.Assignments)
        {
            try
            {
                assignment.Path.Set(spec, assignment.Value);
            }
            catch (FormatException e)
            {
                throw new SpecException($"{SourceName}: point {point.Index} ({point.Label}): {e.Message}");
            }
        }

        var text = SweepYaml.Document(spec);
        MergeSpec parsed;
        try
        {
            parsed = MergeSpecParser.Parse(text, $"point {point.Index} ({point.Label})", parameterNames: false);
        }
        catch (SpecException e)
        {
            throw new SpecException($"{SourceName}: the merge spec of {e.Message}");
        }

        return new SweepCandidateSpec(point, text, SweepYaml.Canonical(spec), parsed);
    }

    /// <summary>The error the planner will give <paramref name="candidate"/> for a parameter its method does not take, or null.</summary>
    public string? UnknownParameters(SweepCandidateSpec candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        try
        {
            SpecParameterNames.Check(candidate.Spec, MergeMethodRegistry.Get(candidate.Spec.MergeMethod));
            return null;
        }
        catch (SpecException e)
        {
            return $"{SourceName}: point {candidate.Point.Index} ({candidate.Point.Label}): {e.Message}";
        }
    }
}

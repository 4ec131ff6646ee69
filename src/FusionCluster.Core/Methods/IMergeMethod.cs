namespace FusionCluster.Core.Methods;

/// <summary>One merge algorithm, with mergekit's semantics, registered by <see cref="Name"/>.</summary>
public interface IMergeMethod
{
    /// <summary>The name used as merge_method in a spec.</summary>
    string Name { get; }

    BaseModelUse BaseModel { get; }

    /// <summary>Smallest number of non-base models accepted.</summary>
    int MinModels { get; }

    /// <summary>Largest number of non-base models accepted (int.MaxValue when unbounded).</summary>
    int MaxModels { get; }

    /// <summary>Parameters accepted; anything else in a spec is reported as unknown.</summary>
    IReadOnlyList<ParameterDefinition> Parameters { get; }

    /// <summary>Merges one tensor, writing every element of ctx.Output exactly once.</summary>
    void Merge(MergeTensorContext ctx);
}

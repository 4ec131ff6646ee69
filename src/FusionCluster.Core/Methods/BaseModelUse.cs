namespace FusionCluster.Core.Methods;

public enum BaseModelUse
{
    /// <summary>The method ignores base_model (it may still be listed as an input).</summary>
    NotUsed,
    /// <summary>base_model must be given.</summary>
    Required,
    /// <summary>base_model changes the method's behaviour when given.</summary>
    Optional,
}

namespace FusionCluster.Dashboard.Specs;

/// <summary>One suggestion of the spec editor: what is inserted, what kind of name it is, and a short detail.</summary>
/// <param name="Label">The name, inserted as written.</param>
/// <param name="Kind">"method", "parameter" or "key" (the editor picks an icon by it).</param>
/// <param name="Detail">E.g. "per model, default 1" or "merge method".</param>
public sealed record SpecCompletion(string Label, string Kind, string Detail);

namespace FusionCluster.Dashboard.Jobs;

/// <summary>How one line of two specs differs.</summary>
public enum SpecLineChange
{
    Same,

    /// <summary>Both have the line, worded differently.</summary>
    Changed,

    /// <summary>Only the first spec has it.</summary>
    Removed,

    /// <summary>Only the second spec has it.</summary>
    Added,
}

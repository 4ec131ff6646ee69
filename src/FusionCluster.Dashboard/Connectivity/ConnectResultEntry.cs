namespace FusionCluster.Dashboard.Connectivity;

/// <summary>One result of the list: its view, or why its connect.json could not be shown (a message naming the file).</summary>
public sealed record ConnectResultEntry(string Name, ConnectResultView? View, string? Error, bool HasPlot);

using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;

namespace FusionCluster.Connectivity.Reporting;

/// <summary>
/// The connect.json of a published connect result (<see cref="ConnectResultLayout"/>): what was compared, on which
/// data, and one entry per evaluated path (each a <see cref="PathReport.ToJson"/> or
/// <see cref="LanguageModels.LanguagePathReport.ToJson"/>), so one result can hold naive, aligned and REPAIRed paths.
/// It records no time: like a merge's files, the same connect published under the same name is the same bytes, and
/// when it was published is the store's to say (the file's last write, which the dashboard shows).
/// </summary>
public static class ConnectResultDocument
{
    /// <param name="kind"><see cref="ConnectResultLayout.ClassifierKind"/> or <see cref="ConnectResultLayout.LanguageKind"/>.</param>
    public static JsonObject Build(string name, string kind, string first, string second, string data, IReadOnlyList<JsonObject> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("a connect result holds at least one path", nameof(paths));
        }

        return new JsonObject
        {
            ["format"] = ConnectResultLayout.Format,
            ["name"] = name,
            ["kind"] = kind,
            ["models"] = new JsonObject { ["a"] = first, ["b"] = second },
            ["data"] = data,
            ["paths"] = new JsonArray([.. paths.Select(p => (JsonNode)p.DeepClone())]),
        };
    }
}

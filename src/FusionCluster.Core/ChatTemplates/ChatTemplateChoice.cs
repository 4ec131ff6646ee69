namespace FusionCluster.Core.ChatTemplates;

/// <summary>
/// Turns a spec's <c>chat_template</c> into the text the output gets, as mergekit's _set_chat_template does:
/// <c>auto</c> picks the most common template among the input models, a built-in name gives that
/// template, anything else is the template itself.
/// </summary>
public static class ChatTemplateChoice
{
    public const string Auto = "auto";

    /// <summary>Every name a spec may give instead of template text, for messages.</summary>
    public static IReadOnlyList<string> Names { get; } = [Auto, .. BuiltInChatTemplates.Names];

    /// <summary>True when the text is a template name, or long enough and templated enough to be Jinja (mergekit's test).</summary>
    public static bool IsValidSetting(string setting) =>
        setting == Auto || BuiltInChatTemplates.TryGet(setting, out _) || (setting.Length >= 20 && setting.Contains('{', StringComparison.Ordinal));

    /// <summary>The template text to write, or null to leave the copied tokenizer's as it is.</summary>
    /// <param name="setting">The spec's chat_template, already checked by <see cref="IsValidSetting"/>; null when absent.</param>
    /// <param name="inputTemplates">For auto: each input model (spec order) and its tokenizer's template, null for none.</param>
    /// <param name="warnings">Receives what auto could not decide cleanly.</param>
    public static string? Resolve(string? setting, IReadOnlyList<(string Model, string? Template)> inputTemplates, ICollection<string> warnings)
    {
        if (setting is null)
        {
            return null;
        }

        if (setting == Auto)
        {
            return MostCommon(inputTemplates, warnings);
        }

        return BuiltInChatTemplates.TryGet(setting, out var builtIn) ? builtIn : setting;
    }

    /// <summary>
    /// The template most input models share. Ties go to the template of the earliest model in spec order
    /// (base model first, then models or slice sources as written): mergekit counts over an unordered set,
    /// so its choice among equals is arbitrary, and ours must not be.
    /// </summary>
    private static string? MostCommon(IReadOnlyList<(string Model, string? Template)> inputTemplates, ICollection<string> warnings)
    {
        var groups = inputTemplates
            .Where(m => m.Template is not null)
            .GroupBy(m => m.Template!, StringComparer.Ordinal)
            .Select(g => (Template: g.Key, Models: g.Select(m => m.Model).ToList()))
            .ToList();
        if (groups.Count == 0)
        {
            warnings.Add($"chat_template: auto found no chat template in any input model's tokenizer ({string.Join(", ", inputTemplates.Select(m => $"'{m.Model}'"))}); the output keeps the copied tokenizer's as it is");
            return null;
        }

        // GroupBy keeps first-appearance order and OrderByDescending is stable, so the first group among the
        // most common is the one whose first model comes earliest in the spec.
        var ranked = groups.OrderByDescending(g => g.Models.Count).ToList();
        var chosen = ranked[0];
        if (ranked.Count > 1)
        {
            var tie = ranked[1].Models.Count == chosen.Models.Count ? ", a tie broken by spec order" : "";
            warnings.Add($"chat_template: auto: the input models have {ranked.Count} different chat templates; chose the one of {string.Join(", ", chosen.Models.Select(m => $"'{m}'"))} ({chosen.Models.Count} of {inputTemplates.Count} models{tie})");
        }

        return chosen.Template;
    }
}

using FusionCluster.Core.Specs.Yaml;

namespace FusionCluster.Dashboard.Specs;

/// <summary>
/// How much the spec editor takes. Every keystroke sends the whole text over the circuit's SignalR connection,
/// whose default 32 KB message limit dropped the circuit on a larger paste instead of saying what was wrong.
/// </summary>
public static class SpecEditorLimits
{
    /// <summary>
    /// Characters the editor accepts: one more than a spec may have (<see cref="SpecLimits.MaxCharacters"/>), so that
    /// a paste that is too long is cut to a text the check reports as too long, never to a valid-looking prefix.
    /// </summary>
    public const int MaxCharacters = SpecLimits.MaxCharacters + 1;

    /// <summary>The circuit's message limit: every character as a six-byte JSON escape, plus room for the rest of the message.</summary>
    public const long MaxReceiveMessageBytes = (MaxCharacters * 6L) + (64 * 1024);
}

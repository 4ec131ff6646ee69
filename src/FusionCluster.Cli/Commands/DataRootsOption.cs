using System.CommandLine;
using FusionCluster.Core.Storage;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// --data-root DIR (repeatable or comma-separated) of the verbs that read and write local files themselves
/// (dataset, train, eval), plus Fusion__Storage__LocalRoots (joined with ',' or ';') and
/// Fusion__Storage__LocalRoots__0, __1, ... from the environment, the keys silos and the dashboard read.
/// With none of them every local folder is allowed, as before; with any, every path the verb reads or
/// writes must resolve (symlinks included) inside one of them (<see cref="LocalRoots"/>).
/// </summary>
public sealed class DataRootsOption
{
    private const string Variable = "Fusion__Storage__LocalRoots";

    public Option<string[]> Option { get; } = new("--data-root")
    {
        Description = "a local folder this verb may read and write; repeat for several (also " + Variable + "); every path must then resolve inside one",
        DefaultValueFactory = _ => [],
    };

    public void AddTo(Command command) => command.Options.Add(Option);

    /// <summary>The roots in force: the option's folders and the environment's, or <see cref="LocalRoots.Anywhere"/>.</summary>
    public LocalRoots Resolve(ParseResult parse) => From(parse.GetValue(Option) ?? [], Environment.GetEnvironmentVariable);

    public static LocalRoots From(IEnumerable<string> options, Func<string, string?> getVariable)
    {
        var folders = options.ToList();
        if (getVariable(Variable) is { Length: > 0 } joined)
        {
            folders.Add(joined);
        }

        for (var i = 0; getVariable($"{Variable}__{i}") is { Length: > 0 } folder; i++)
        {
            folders.Add(folder);
        }

        var split = folders
            .SelectMany(f => f.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        return split.Count == 0 ? LocalRoots.Anywhere : new LocalRoots(split);
    }
}

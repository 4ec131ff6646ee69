using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FusionCluster.Core.Specs.Yaml;

/// <summary>
/// Passes a YAML parser's events through while checking the nesting depth and the number of nodes the
/// document stands for with its aliases expanded. YamlDotNet's parser is iterative, but building the
/// representation model, and every walk over it, recurses once per level: a few KB of "[[[[..." overflowed
/// the stack and killed the process. Aliases are counted as what they expand to, because the spec readers
/// (and copies of templates) walk an alias as often as it is used.
/// </summary>
internal sealed class BoundedYamlParser(IParser inner, string sourceName, int maxDepth, int maxExpandedNodes) : IParser
{
    private readonly Dictionary<string, (int Nodes, int Height)> anchors = new(StringComparer.Ordinal);
    private readonly Stack<OpenCollection> open = new();
    private long expandedNodes;

    public ParsingEvent? Current => inner.Current;

    /// <summary>The line of the last event read, where a parser that fails without a position stopped (1 before any).</summary>
    public long LastLine { get; private set; } = 1;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        LastLine = inner.Current?.End.Line ?? LastLine;

        switch (inner.Current)
        {
            case MappingStart or SequenceStart:
                var start = (NodeEvent)inner.Current;
                Count(start, 1);
                if (open.Count + 1 > maxDepth)
                {
                    throw new SpecException($"{sourceName} line {start.Start.Line}: the YAML nests deeper than {maxDepth} levels of mappings and lists; a spec needs far fewer");
                }

                open.Push(new OpenCollection(start.Anchor.IsEmpty ? null : start.Anchor.Value, expandedNodes - 1, open.Count + 1));
                break;
            case MappingEnd or SequenceEnd:
                var frame = open.Pop();
                if (open.TryPeek(out var parent))
                {
                    parent.DeepestLevel = Math.Max(parent.DeepestLevel, frame.DeepestLevel);
                }

                if (frame.Anchor is not null)
                {
                    anchors[frame.Anchor] = ((int)(expandedNodes - frame.NodesBefore), frame.DeepestLevel - frame.Level + 1);
                }

                break;
            case Scalar scalar:
                Count(scalar, 1);
                if (!scalar.Anchor.IsEmpty)
                {
                    anchors[scalar.Anchor.Value] = (1, 0);
                }

                break;
            case AnchorAlias alias when anchors.TryGetValue(alias.Value.Value, out var target):
                Count(alias, target.Nodes);
                var level = open.Count + target.Height;
                if (level > maxDepth)
                {
                    throw new SpecException($"{sourceName} line {alias.Start.Line}: the alias *{alias.Value.Value} nests the YAML deeper than {maxDepth} levels of mappings and lists");
                }

                if (open.TryPeek(out var container))
                {
                    container.DeepestLevel = Math.Max(container.DeepestLevel, level);
                }

                break;
        }

        return true;
    }

    private void Count(ParsingEvent at, int nodes)
    {
        expandedNodes += nodes;
        if (expandedNodes > maxExpandedNodes)
        {
            throw new SpecException($"{sourceName} line {at.Start.Line}: the YAML stands for more than {maxExpandedNodes} nodes (aliases counted as often as they are used); a spec needs far fewer");
        }
    }
}
